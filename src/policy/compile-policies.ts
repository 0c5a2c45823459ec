import type { Channel } from '../audit/channel.ts';
import { compilePathGlob } from '../catalog/path-glob.ts';
import type { PolicyHuman, PolicyObject } from './access-context.ts';
import { compileChannelCondition } from './channel-condition.ts';
import { conditionHolds } from './human-attributes.ts';
import type { Mask, Policy, ResourceSelector, RowFilter } from './policy-schema.ts';

/**
 * Everything a selector tests but the path. Catalogs have few distinct signatures (kind, domain,
 * sensitivity, tags) and many objects each, so which policies can match is worked out once per
 * signature and only path globs are tested per object.
 */
export type ObjectSignature = Pick<PolicyObject, 'kind' | 'domain' | 'sensitivity' | 'tags'>;

export function signatureKey(object: ObjectSignature): string {
  return `${object.kind}|${object.sensitivity}|${object.domain ?? ''}|${object.tags.join('|')}`;
}

/** A resource selector as predicates: over the signature, and (when it names paths) over the path. */
export interface CompiledSelector {
  admits(signature: ObjectSignature): boolean;
  /** Null when the selector names no paths (every path matches). */
  pathTest: ((path: string) => boolean) | null;
}

export function selectorMatches(selector: CompiledSelector, object: PolicyObject): boolean {
  return selector.admits(object) && (!selector.pathTest || selector.pathTest(object.path));
}

/** A policy with its selectors turned into predicates, built once per policy version. */
export interface CompiledPolicy {
  policy: Policy;
  appliesTo(human: PolicyHuman): boolean;
  appliesUnder(intent: string | null): boolean;
  /** Whether the policy applies through this door (see ChannelCondition); always, when it names none. */
  appliesOver(channel: Channel | null): boolean;
  /** True when the policy names channels or clients. */
  channelBound: boolean;
  activeAt(now: Date): boolean;
  resources: CompiledSelector;
  masks: { mask: Mask; columns: CompiledSelector }[];
  rowFiltersFor(datasetPath: string): RowFilter[];
}

export interface CompiledPolicySet {
  version: number;
  policies: CompiledPolicy[];
  /** The policies that name channels or clients: the only ones a channel changes. */
  channelBound: CompiledPolicy[];
}

export function compilePolicySet(policies: readonly Policy[], version: number): CompiledPolicySet {
  const compiled = policies.map(compilePolicy);
  return { version, policies: compiled, channelBound: compiled.filter((policy) => policy.channelBound) };
}

/**
 * Which channel-bound policies apply through this door, as a short key: calls through doors that
 * no policy tells apart share one key (empty when no policy names a channel or a client).
 */
export function channelKey(policies: CompiledPolicySet, channel: Channel | null): string {
  let key = '';
  for (const policy of policies.channelBound) key += policy.appliesOver(channel) ? '1' : '0';
  return key;
}

/** An empty selector matches everything. */
export function compileSelector(selector: ResourceSelector): CompiledSelector {
  const kinds = selector.kinds ? new Set(selector.kinds) : null;
  const tags = selector.tags ? new Set(selector.tags) : null;
  const domains = selector.domains ? new Set(selector.domains) : null;
  const sensitivities = selector.sensitivities ? new Set(selector.sensitivities) : null;
  const globs = selector.paths?.map(compilePathGlob) ?? null;
  return {
    admits: (signature) =>
      (!kinds || kinds.has(signature.kind)) &&
      (!tags || signature.tags.some((tag) => tags.has(tag))) &&
      (!domains || (signature.domain !== null && domains.has(signature.domain))) &&
      (!sensitivities || sensitivities.has(signature.sensitivity)),
    pathTest: globs ? (path) => globs.some((glob) => glob.test(path)) : null,
  };
}

function compilePolicy(policy: Policy): CompiledPolicy {
  const { subjects, intents } = policy;
  const overChannel = compileChannelCondition(policy, policy.effect === 'deny');
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
    appliesOver(channel) {
      return !overChannel || overChannel(channel);
    },
    channelBound: overChannel !== null,
    activeAt(now) {
      return (
        (!policy.validFrom || policy.validFrom <= now) && (!policy.validUntil || now < policy.validUntil)
      );
    },
    resources: compileSelector(policy.resources),
    masks: policy.masks.map((mask) => ({ mask, columns: compileSelector(mask.columns) })),
    rowFiltersFor(datasetPath) {
      return rowFilters
        .filter((entry) => !entry.datasets || entry.datasets.some((glob) => glob.test(datasetPath)))
        .map((entry) => entry.filter);
    },
  };
}
