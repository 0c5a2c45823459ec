import type { PolicyHuman, PolicyObject } from './access-context.ts';
import { conditionHolds } from './human-attributes.ts';
import { compilePathGlob } from './path-glob.ts';
import type { Mask, Policy, ResourceSelector, RowFilter } from './policy-schema.ts';

/** A policy with its selectors turned into predicates, built once per policy version. */
export interface CompiledPolicy {
  policy: Policy;
  appliesTo(human: PolicyHuman): boolean;
  appliesUnder(intent: string | null): boolean;
  activeAt(now: Date): boolean;
  matches(object: PolicyObject): boolean;
  masksFor(column: PolicyObject): Mask[];
  rowFiltersFor(datasetPath: string): RowFilter[];
}

export interface CompiledPolicySet {
  version: number;
  policies: CompiledPolicy[];
}

export function compilePolicySet(policies: readonly Policy[], version: number): CompiledPolicySet {
  return { version, policies: policies.map(compilePolicy) };
}

/** A predicate over catalog objects; an empty selector matches everything. */
export function compileSelector(selector: ResourceSelector): (object: PolicyObject) => boolean {
  const kinds = selector.kinds ? new Set(selector.kinds) : null;
  const tags = selector.tags ? new Set(selector.tags) : null;
  const domains = selector.domains ? new Set(selector.domains) : null;
  const sensitivities = selector.sensitivities ? new Set(selector.sensitivities) : null;
  const paths = selector.paths?.map(compilePathGlob) ?? null;
  return (object) =>
    (!kinds || kinds.has(object.kind)) &&
    (!tags || object.tags.some((tag) => tags.has(tag))) &&
    (!domains || (object.domain !== null && domains.has(object.domain))) &&
    (!sensitivities || sensitivities.has(object.sensitivity)) &&
    (!paths || paths.some((glob) => glob.test(object.path)));
}

function compilePolicy(policy: Policy): CompiledPolicy {
  const { subjects, intents } = policy;
  const matches = compileSelector(policy.resources);
  const masks = policy.masks.map((mask) => ({ mask, matches: compileSelector(mask.columns) }));
  const rowFilters = policy.rowFilters.map((filter) => ({
    filter,
    datasets: filter.datasets?.map(compilePathGlob) ?? null,
  }));
  return {
    policy,
    appliesTo(human) {
      if (subjects.conditions.length === 0) return true;
      return subjects.match === 'all'
        ? subjects.conditions.every((condition) => conditionHolds(human, condition))
        : subjects.conditions.some((condition) => conditionHolds(human, condition));
    },
    appliesUnder(intent) {
      return intents === 'any' || (intent !== null && intents.includes(intent));
    },
    activeAt(now) {
      return (
        (!policy.validFrom || policy.validFrom <= now) && (!policy.validUntil || now < policy.validUntil)
      );
    },
    matches,
    masksFor(column) {
      return masks.filter((entry) => entry.matches(column)).map((entry) => entry.mask);
    },
    rowFiltersFor(datasetPath) {
      return rowFilters
        .filter((entry) => !entry.datasets || entry.datasets.some((glob) => glob.test(datasetPath)))
        .map((entry) => entry.filter);
    },
  };
}
