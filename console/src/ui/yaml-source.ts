import { Document, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { FieldProblem } from '../api/api-error.ts';

/** A field problem placed on the line of the YAML text it is about (null: no line found). */
export interface LocatedProblem extends FieldProblem {
  line: number | null;
}

/** YAML text read into a value, or the syntax problems that kept it from being read. */
export type ParsedYaml = { ok: true; value: unknown } | { ok: false; problems: LocatedProblem[] };

/** Reads YAML text; syntax errors come back as problems on their lines. */
export function parseYaml(text: string): ParsedYaml {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        location: 'YAML',
        message: error.message.split('\n')[0] ?? error.message,
        line: error.linePos?.[0]?.line ?? null,
      })),
    };
  }
  return { ok: true, value: document.toJS() };
}

/**
 * `policies[2] (read-all).subjects.conditions[0].op` → `['policies', 2, 'subjects', 'conditions', 0, 'op']`.
 * The id aperture adds in parentheses is dropped (ids never hold parentheses).
 */
export function locationPath(location: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of location.replace(/\s*\([^)]*\)/g, '').split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      segments.push(part);
      continue;
    }
    if (match[1]) segments.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

/**
 * Places each problem aperture reported on the line of the text it is about: the deepest node of
 * its location the text has (a missing field points at the object it is missing from). The text
 * may or may not wrap the list in its noun (`policies: [...]` or `[...]`), so both are tried.
 */
export function locateProblems(text: string, problems: readonly FieldProblem[]): LocatedProblem[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  const lineOf = (path: (string | number)[]): number | null => {
    for (let length = path.length; length >= 1; length -= 1) {
      const node: unknown = document.getIn(path.slice(0, length), true);
      if (isNode(node) && (node as Node).range) return lines.linePos((node as Node).range![0]).line;
    }
    return null;
  };
  return problems.map((problem) => {
    const path = locationPath(problem.location);
    const line = lineOf(path) ?? (typeof path[0] === 'string' ? lineOf(path.slice(1)) : null);
    return { ...problem, line };
  });
}

/** The list a set editor sends: the text may be the list itself or `{ <noun>: [...] }` (the file format). */
export function unwrapList(value: unknown, noun: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && noun in value) {
    return (value as Record<string, unknown>)[noun];
  }
  return value;
}

/**
 * A value as YAML the way people write the file formats: short lists of plain values on one line
 * (`sensitivities: [PUBLIC, INTERNAL]`), and a list's small objects of plain values too
 * (`- { attribute: groups, op: equals, value: analysts }`); everything else in block style.
 */
export function toYaml(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Seq(_key, node) {
      if (node.items.length > 0 && node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Map(_key, node, path) {
      const parent = path[path.length - 1];
      const plain = node.items.every((pair) => isScalar(pair.value));
      if (isSeq(parent) && plain && node.items.length > 0 && node.items.length <= 4) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 100, flowCollectionPadding: false });
}
