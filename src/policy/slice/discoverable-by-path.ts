import type { PolicyObject } from '../access-context.ts';
import type { ObjectDecision } from '../viewer-access.ts';
import type { ViewerSlice } from './access-service.ts';

/**
 * The object a path or name stands for, to this viewer: the dataset, column or metric of that
 * path, else the glossary term of that name (terms live under `glossary:`). Only what the viewer
 * may discover counts, so a hidden metric named like a term answers exactly as if there were no
 * such metric: the term is found, never a "not found" that tells the metric exists.
 */
export function discoverableByPath(
  slice: Pick<ViewerSlice, 'catalog' | 'decide'>,
  path: string,
): { object: PolicyObject; decision: ObjectDecision } | undefined {
  for (const candidate of [path, `glossary:${path}`]) {
    const object = slice.catalog.byPath.get(candidate);
    if (!object) continue;
    const decision = slice.decide(object);
    if (decision.visibility !== 'HIDDEN') return { object, decision };
  }
  return undefined;
}
