/**
 * The Cedar side of `bench:slice`: the same policies evaluated with @cedar-policy/cedar-wasm the
 * usual way a list is filtered with Cedar, one authorization call per object, so the bench can
 * compare it with aperture's full-catalog slice.
 *
 * Translation (aperture policy -> Cedar policy, schema-less):
 *   principal  Human::"<email>"  attrs: email, department, region, title, manager (absent when null),
 *              groups: Set<String>, attributes: { <name>: Set<String> } (values as strings, since
 *              aperture compares `2` and `"2"` as equal)
 *   resource   CatalogObject::"<id>"  attrs: kind, path, tags: Set<String>, sensitivity, domain (absent when null)
 *   actions    Action::"read", Action::"discover"
 *   context    { now: epoch ms (for validFrom/validUntil), intent (absent when null) }
 *   allow READ -> permit read and discover; allow DISCOVER -> permit discover;
 *   deny READ  -> forbid read;              deny DISCOVER  -> forbid read and discover.
 *
 * What Cedar, called per object with only the principal and that resource, does not decide like
 * aperture (so compare datasets, the objects both decide from the same facts):
 *   - columns: aperture shows a column only when its dataset is readable, then applies denies;
 *     here a column is decided from the policies that match the column itself.
 *   - metrics: aperture caps a readable metric at discover when something it reads is not readable.
 *   - masks and row filters are obligations of a READ decision, not decisions: ignored (counted).
 *   - ceilings, grants and the intent's tier/tag caps are not policies: out of scope.
 *   - path globs mixing `**` with a `*` inside another segment: the policy is skipped (reported).
 */
import type {
  Context as CedarContext,
  CedarValueJson,
  EntityJson,
  EntityUid,
} from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicyHuman, PolicyObject } from '../../src/policy/access-context.ts';
import type {
  AttributeCondition,
  ObjectKind,
  Policy,
  ResourceSelector,
} from '../../src/policy/policy-schema.ts';

export interface CedarComparisonInput {
  /** Validated aperture policies (policySetSchema.parse). */
  policies: readonly Policy[];
  objects: readonly PolicyObject[];
  human: PolicyHuman;
  intent: string | null;
  /** The instant validFrom/validUntil are evaluated at; default: now. */
  now?: Date;
  /**
   * Decide every `stride`-th object only (default 1: all of them). Cedar takes milliseconds per
   * call with hundreds of policies, so a full large catalog takes minutes; `projectedFullMs`
   * scales the measured time to the whole catalog.
   */
  stride?: number;
}

export interface CedarComparison {
  /** The Cedar entry point timed. */
  api: 'statefulIsAuthorized';
  cedarVersion: string;
  /** Wall time of the read pass: one call per decided object, action read. The figure to compare. */
  cedarMs: number;
  /** Calls of the read pass (= objects decided: all of them unless `stride` > 1). */
  calls: number;
  /** `cedarMs` scaled to one call per object of the catalog (= cedarMs when every object was decided). */
  projectedFullMs: number;
  /** Decided objects Cedar allows at read. */
  cedarAllowed: number;
  allowedByKind: Record<ObjectKind, number>;
  /** Ids of the decided objects allowed at read (collected after timing), for correctness checks. */
  allowedIds: string[];
  /** Wall time of the second pass (action discover for the objects not readable): tier parity with the slice. */
  discoverMs: number;
  discoverCalls: number;
  /** Objects not readable that Cedar allows at discover. */
  cedarDiscoverOnly: number;
  /** Policy evaluation errors Cedar reported (expected 0: every optional attribute is guarded with `has`). */
  evaluationErrors: number;
  policiesTranslated: number;
  skippedPolicies: { policyId: string; reason: string }[];
  /** Policy features dropped while the policy itself was translated. */
  ignoredFeatures: { masks: number; rowFilters: number };
  /** Untimed set-up: translating to Cedar text, preparsing it, building the entities. */
  translateMs: number;
  prepareMs: number;
  entitiesMs: number;
}

type Cedar = typeof import('@cedar-policy/cedar-wasm/nodejs');

const policySetId = 'aperture-comparison';
const readAction: EntityUid = { type: 'Action', id: 'read' };
const discoverAction: EntityUid = { type: 'Action', id: 'discover' };
/** Untimed calls before measuring, so V8 has compiled the glue and tiered up the wasm (fair to Cedar). */
const warmUpCalls = 200;

export async function compareWithCedar(input: CedarComparisonInput): Promise<CedarComparison> {
  // The nodejs build is CommonJS and loads its wasm synchronously; the default export needs a
  // bundler's wasm support, so Node ESM imports this one dynamically.
  const cedar: Cedar = await import('@cedar-policy/cedar-wasm/nodejs');

  let started = performance.now();
  const translation = translatePolicies(input.policies);
  const translateMs = performance.now() - started;

  // statefulIsAuthorized against a preparsed policy set is the fastest per-call API cedar-wasm
  // offers: isAuthorized reparses every policy on each call (about 10x slower with 500 policies),
  // so the comparison uses the stateful one.
  started = performance.now();
  const parsed = cedar.preparsePolicySet(policySetId, { staticPolicies: translation.policies });
  if (parsed.type === 'failure') {
    throw new Error(
      `Cedar rejected the translated policies: ${parsed.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const prepareMs = performance.now() - started;

  started = performance.now();
  const principal = principalEntity(input.human);
  const resources = input.objects.map(resourceEntity);
  const context = cedarContext(input.intent, input.now ?? new Date());
  const entitiesMs = performance.now() - started;

  const authorize = (action: EntityUid, resource: EntityJson) =>
    decide(cedar, { action, principal, resource, context });
  const stride = Math.max(1, Math.floor(input.stride ?? 1));
  const decided = resources.filter((_, index) => index % stride === 0);
  const decidedObjects = input.objects.filter((_, index) => index % stride === 0);

  for (const resource of decided.slice(0, warmUpCalls)) authorize(readAction, resource);

  // Read pass: the measured figure. Decisions go to a typed array so the loop only calls Cedar.
  const readable = new Uint8Array(decided.length);
  let evaluationErrors = 0;
  started = performance.now();
  for (let index = 0; index < decided.length; index += 1) {
    const outcome = authorize(readAction, decided[index]!);
    readable[index] = outcome.allowed ? 1 : 0;
    evaluationErrors += outcome.errors;
  }
  const cedarMs = performance.now() - started;

  // Discover pass: aperture's slice also tells discover from hidden, which takes Cedar a second call.
  let discoverCalls = 0;
  let cedarDiscoverOnly = 0;
  started = performance.now();
  for (let index = 0; index < decided.length; index += 1) {
    if (readable[index] === 1) continue;
    discoverCalls += 1;
    const outcome = authorize(discoverAction, decided[index]!);
    if (outcome.allowed) cedarDiscoverOnly += 1;
    evaluationErrors += outcome.errors;
  }
  const discoverMs = performance.now() - started;

  const allowed = decidedObjects.filter((_, index) => readable[index] === 1);
  return {
    api: 'statefulIsAuthorized',
    cedarVersion: cedar.getCedarVersion(),
    cedarMs,
    calls: decided.length,
    projectedFullMs: decided.length === 0 ? 0 : (cedarMs * resources.length) / decided.length,
    cedarAllowed: allowed.length,
    allowedByKind: countByKind(allowed),
    allowedIds: allowed.map((object) => object.id),
    discoverMs,
    discoverCalls,
    cedarDiscoverOnly,
    evaluationErrors,
    policiesTranslated: Object.keys(translation.policies).length,
    skippedPolicies: translation.skipped,
    ignoredFeatures: translation.ignored,
    translateMs,
    prepareMs,
    entitiesMs,
  };
}

/** One statefulIsAuthorized call with the usual entities: just the principal and this resource. */
function decide(
  cedar: Cedar,
  request: { action: EntityUid; principal: EntityJson; resource: EntityJson; context: CedarContext },
): { allowed: boolean; errors: number } {
  const answer = cedar.statefulIsAuthorized({
    principal: request.principal.uid,
    action: request.action,
    resource: request.resource.uid,
    context: request.context,
    preparsedPolicySetId: policySetId,
    entities: [request.principal, request.resource],
  });
  if (answer.type === 'failure') {
    throw new Error(`Cedar authorization failed: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  return {
    allowed: answer.response.decision === 'allow',
    errors: answer.response.diagnostics.errors.length,
  };
}

function countByKind(objects: readonly PolicyObject[]): Record<ObjectKind, number> {
  const counts: Record<ObjectKind, number> = { dataset: 0, column: 0, metric: 0, glossary: 0 };
  for (const object of objects) counts[object.kind] += 1;
  return counts;
}

// --- entities -------------------------------------------------------------------------------

type Scalar = string | number | boolean;

function principalEntity(human: PolicyHuman): EntityJson {
  const attrs: Record<string, CedarValueJson> = { email: human.email, groups: human.groups };
  for (const field of ['department', 'region', 'title', 'manager'] as const) {
    const value = human[field];
    if (value !== null) attrs[field] = value;
  }
  // Free-form attributes become sets of strings: aperture treats a scalar as a one-value list
  // and compares values as strings.
  const attributes: Record<string, CedarValueJson> = {};
  for (const [name, value] of Object.entries(human.attributes)) {
    const values = (Array.isArray(value) ? value : [value]).filter(
      (item): item is Scalar => item !== null && typeof item !== 'object',
    );
    if (values.length > 0) attributes[name] = values.map(String);
  }
  attrs.attributes = attributes;
  return { uid: { type: 'Human', id: human.email }, attrs, parents: [] };
}

function resourceEntity(object: PolicyObject): EntityJson {
  const attrs: Record<string, CedarValueJson> = {
    kind: object.kind,
    path: object.path,
    tags: object.tags,
    sensitivity: object.sensitivity,
  };
  if (object.domain !== null) attrs.domain = object.domain;
  return { uid: { type: 'CatalogObject', id: object.id }, attrs, parents: [] };
}

function cedarContext(intent: string | null, now: Date): CedarContext {
  return intent === null ? { now: now.getTime() } : { now: now.getTime(), intent };
}

// --- policies -------------------------------------------------------------------------------

interface Translation {
  /** Cedar policy text by aperture policy id (so Cedar's diagnostics name aperture's policies). */
  policies: Record<string, string>;
  skipped: { policyId: string; reason: string }[];
  ignored: { masks: number; rowFilters: number };
}

function translatePolicies(policies: readonly Policy[]): Translation {
  const translation: Translation = { policies: {}, skipped: [], ignored: { masks: 0, rowFilters: 0 } };
  for (const policy of policies) {
    const conditions = policyConditions(policy);
    if (typeof conditions === 'string') {
      translation.skipped.push({ policyId: policy.id, reason: conditions });
      continue;
    }
    if (policy.masks.length > 0) translation.ignored.masks += 1;
    if (policy.rowFilters.length > 0) translation.ignored.rowFilters += 1;
    const when = conditions.length > 0 ? `\nwhen {\n  ${conditions.join('\n  && ')}\n}` : '';
    translation.policies[policy.id] = `${policyHead(policy)}${when};`;
  }
  return translation;
}

/**
 * Allow READ also grants discover; deny READ only takes read away (the object stays discoverable),
 * deny DISCOVER hides it.
 */
function policyHead(policy: Policy): string {
  const both = 'action in [Action::"read", Action::"discover"]';
  if (policy.effect === 'allow') {
    return `permit (principal, ${policy.tier === 'READ' ? both : 'action == Action::"discover"'}, resource)`;
  }
  return `forbid (principal, ${policy.tier === 'READ' ? 'action == Action::"read"' : both}, resource)`;
}

/** The `when` conditions of a policy, or why it cannot be translated. */
function policyConditions(policy: Policy): string[] | string {
  const resource = selectorConditions(policy.resources);
  if (typeof resource === 'string') return resource;
  const conditions = [...subjectConditions(policy), ...resource];
  if (policy.intents !== 'any') {
    conditions.push(`(context has intent && ${isOneOf('context.intent', policy.intents)})`);
  }
  if (policy.validFrom) conditions.push(`context.now >= ${policy.validFrom.getTime()}`);
  if (policy.validUntil) conditions.push(`context.now < ${policy.validUntil.getTime()}`);
  return conditions;
}

function subjectConditions(policy: Policy): string[] {
  const { match, conditions } = policy.subjects;
  if (conditions.length === 0) return [];
  const translated = conditions.map(attributeCondition);
  if (translated.length === 1) return translated;
  return [`(${translated.join(match === 'all' ? ' && ' : ' || ')})`];
}

/**
 * A condition on a human attribute. Scalar person fields are strings that may be absent (guarded
 * with `has`, so a missing attribute is false rather than an error that skips the policy); groups
 * and free-form attributes are sets.
 */
function attributeCondition(condition: AttributeCondition): string {
  const attribute = principalAttribute(condition.attribute);
  const values = (list: Scalar[]) => list.map(String);
  let test: string;
  switch (condition.op) {
    case 'exists':
      if (!attribute.isSet) return attribute.guard!;
      test = `!${attribute.expr}.isEmpty()`;
      break;
    case 'equals':
    case 'in':
    case 'notIn': {
      const list = values(condition.op === 'equals' ? [condition.value] : condition.values);
      test = attribute.isSet ? holdsAnyOf(attribute.expr, list) : isOneOf(attribute.expr, list);
      break;
    }
  }
  const guarded = attribute.guard ? `(${attribute.guard} && ${test})` : test;
  // notIn holds for a human without the attribute, like aperture's "no value is in the list".
  return condition.op === 'notIn' ? `!(${guarded})` : guarded;
}

function principalAttribute(attribute: string): { expr: string; guard: string | null; isSet: boolean } {
  if (attribute === 'groups') return { expr: 'principal.groups', guard: null, isSet: true };
  if (attribute.startsWith('attributes.')) {
    // Names may hold `-`, which Cedar's `.name` syntax does not allow; `["name"]` does.
    const name = cedarString(attribute.slice('attributes.'.length));
    return { expr: `principal.attributes[${name}]`, guard: `principal.attributes has ${name}`, isSet: true };
  }
  return { expr: `principal.${attribute}`, guard: `principal has ${attribute}`, isSet: false };
}

/** Each given selector field must match; none given matches everything. */
function selectorConditions(selector: ResourceSelector): string[] | string {
  const conditions: string[] = [];
  if (selector.kinds) conditions.push(isOneOf('resource.kind', selector.kinds));
  if (selector.tags) conditions.push(holdsAnyOf('resource.tags', selector.tags));
  if (selector.domains) {
    conditions.push(`(resource has domain && ${isOneOf('resource.domain', selector.domains)})`);
  }
  if (selector.sensitivities) conditions.push(isOneOf('resource.sensitivity', selector.sensitivities));
  if (selector.paths) {
    const globs = selector.paths.map(globCondition);
    const untranslatable = selector.paths.find((_, index) => globs[index] === null);
    if (untranslatable !== undefined) {
      return `path glob ${JSON.stringify(untranslatable)} mixes ** with * inside a segment`;
    }
    conditions.push(globs.length === 1 ? globs[0]! : `(${globs.join(' || ')})`);
  }
  return conditions;
}

/**
 * A path glob as Cedar `like` patterns. Cedar's `*` matches any characters, dots included, while
 * aperture's `*` stays inside one segment: without `**`, the glob is exact when the path also has
 * no more dots than the glob. `**` (any number of whole segments) becomes `*`, or nothing where
 * aperture allows zero segments (anywhere but last); globs combining both kinds of star are not
 * translated. Assumes catalog paths have no empty segments.
 */
function globCondition(glob: string): string | null {
  const segments = glob.split('.');
  if (!segments.includes('**')) {
    if (!glob.includes('*')) return `resource.path == ${cedarString(glob)}`;
    const tooManyDots = `${'*.'.repeat(segments.length)}*`;
    return `(resource.path like ${cedarString(glob)} && !(resource.path like ${cedarString(tooManyDots)}))`;
  }
  if (segments.some((segment) => segment !== '**' && segment.includes('*'))) return null;
  const patterns = expandDeepSegments(segments);
  const tests = [...new Set(patterns)].map((pattern) =>
    pattern.includes('*')
      ? `resource.path like ${cedarString(pattern)}`
      : `resource.path == ${cedarString(pattern)}`,
  );
  return tests.length === 1 ? tests[0]! : `(${tests.join(' || ')})`;
}

/** Every way of reading each `**` as "one or more segments" (`*`) or, where allowed, "none". */
function expandDeepSegments(segments: string[]): string[] {
  let alternatives: string[][] = [[]];
  segments.forEach((segment, index) => {
    if (segment !== '**') {
      alternatives = alternatives.map((kept) => [...kept, segment]);
      return;
    }
    const mayBeEmpty = index < segments.length - 1;
    alternatives = alternatives.flatMap((kept) => (mayBeEmpty ? [[...kept, '*'], kept] : [[...kept, '*']]));
  });
  return alternatives.map((kept) => kept.join('.'));
}

/** `expr` equals one of `values`: `==` for a single value, as a Cedar author would write it. */
function isOneOf(expr: string, values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length === 1
    ? `${expr} == ${cedarString(unique[0]!)}`
    : `${setLiteral(unique)}.contains(${expr})`;
}

/** The set `expr` holds at least one of `values`. */
function holdsAnyOf(expr: string, values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length === 1
    ? `${expr}.contains(${cedarString(unique[0]!)})`
    : `${expr}.containsAny(${setLiteral(unique)})`;
}

function setLiteral(values: readonly string[]): string {
  return `[${values.map(cedarString).join(', ')}]`;
}

/** A Cedar string literal: Cedar has no `\uXXXX` escape (JSON's), only `\u{...}`. */
function cedarString(value: string): string {
  const escaped = value.replace(/[\\"\p{Cc}]/gu, (character) =>
    character === '\\' || character === '"'
      ? `\\${character}`
      : `\\u{${character.codePointAt(0)!.toString(16)}}`,
  );
  return `"${escaped}"`;
}
