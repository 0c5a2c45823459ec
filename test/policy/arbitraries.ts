import fc from 'fast-check';
import type { AccessContext, PolicyObject } from '../../src/policy/access-context.ts';
import type { Policy } from '../../src/policy/policy-schema.ts';
import { policySchema } from '../../src/policy/policy-schema.ts';

/** Random catalogs, policies and viewers for the slice's property tests. */
const tags = ['pii', 'finance', 'sales', 'hr', 'core'];
const domains = ['sales', 'finance', 'hr'];
const sensitivities = ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'] as const;
const schemas = ['dw.sales', 'dw.hr', 'raw.crm'];

const someOf = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });

/** Usually absent: random selectors are conjunctions, and mostly-present fields would match nothing. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });

/** A random catalog: datasets with columns, and metrics reading some of them. */
export const catalogArbitrary = fc
  .array(
    fc.record({
      schema: fc.constantFrom(...schemas),
      tags: fc.subarray(tags),
      domain: fc.option(fc.constantFrom(...domains), { nil: null }),
      sensitivity: fc.constantFrom(...sensitivities),
      columns: fc.array(
        fc.record({ tags: fc.subarray(tags), sensitivity: fc.constantFrom(...sensitivities) }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .chain((datasets) => {
    const objects: PolicyObject[] = [];
    datasets.forEach((spec, index) => {
      const path = `${spec.schema}.t${index}`;
      objects.push({
        id: path,
        kind: 'dataset',
        path,
        datasetPath: null,
        tags: spec.tags,
        domain: spec.domain,
        sensitivity: spec.sensitivity,
        dependsOn: [],
      });
      spec.columns.forEach((columnSpec, position) => {
        objects.push({
          id: `${path}.c${position}`,
          kind: 'column',
          path: `${path}.c${position}`,
          datasetPath: path,
          tags: columnSpec.tags,
          domain: spec.domain,
          sensitivity: columnSpec.sensitivity,
          dependsOn: [],
        });
      });
    });
    const readable = objects.map((object) => object.path);
    return fc
      .array(
        fc.record({
          reads: fc.subarray(readable, { minLength: 1, maxLength: Math.min(3, readable.length) }),
          tags: fc.subarray(tags),
          domain: fc.option(fc.constantFrom(...domains), { nil: null }),
        }),
        {
          maxLength: 3,
        },
      )
      .map((metrics) => [
        ...objects,
        ...metrics.map(
          (spec, index): PolicyObject => ({
            id: `metric:m${index}`,
            kind: 'metric',
            path: `m${index}`,
            datasetPath: null,
            tags: spec.tags,
            domain: spec.domain,
            sensitivity: 'INTERNAL',
            dependsOn: index > 0 ? [...spec.reads, `m${index - 1}`] : spec.reads,
          }),
        ),
      ]);
  });

export const policyArbitrary: fc.Arbitrary<Policy> = fc
  .record({
    effect: fc.constantFrom('allow', 'allow', 'allow', 'deny'),
    tier: fc.constantFrom('DISCOVER', 'READ'),
    kinds: rarely(someOf(['dataset', 'column', 'metric'] as const)),
    tags: rarely(someOf(tags)),
    domains: rarely(someOf(domains)),
    sensitivities: rarely(someOf(sensitivities)),
    paths: rarely(someOf(['dw.**', 'dw.sales.*', 'raw.crm.*', '**.c0', 'm*'])),
    department: rarely(fc.constantFrom('finance', 'sales')),
    intents: fc.constantFrom('any' as const, 'any' as const, ['analytics']),
    id: fc.uuid(),
  })
  .map((spec) =>
    policySchema.parse({
      id: `p-${spec.id}`,
      description: 'generated',
      effect: spec.effect,
      tier: spec.tier,
      intents: spec.intents,
      subjects: spec.department
        ? { conditions: [{ attribute: 'department', op: 'equals', value: spec.department }] }
        : {},
      resources: {
        kinds: spec.kinds,
        tags: spec.tags,
        domains: spec.domains,
        sensitivities: spec.sensitivities,
        paths: spec.paths,
      },
    }),
  );

export const contextArbitrary: fc.Arbitrary<AccessContext> = fc
  .record({
    department: fc.constantFrom('finance', 'sales', 'hr'),
    intent: fc.option(
      fc.record({
        name: fc.constantFrom('analytics', 'analytics', 'other'),
        allowedTiers: someOf(['DISCOVER', 'READ'] as const),
        allowedTags: fc.constant<string[]>([]),
      }),
      { nil: null },
    ),
    ceilings: fc.array(
      fc.record({
        maxTier: fc.constantFrom('DISCOVER', 'READ'),
        maxSensitivity: fc.constantFrom(...sensitivities),
        requiredTags: fc.constant<string[]>([]),
        excludedTags: fc.subarray(tags, { maxLength: 1 }),
        paths: fc.constantFrom<string[]>([], ['dw.**']),
      }),
      { maxLength: 2 },
    ),
  })
  .map(({ department, intent, ceilings }) => ({
    human: {
      email: 'x@acme.test',
      department,
      region: 'emea',
      title: null,
      groups: [],
      manager: null,
      attributes: {},
    },
    intent: intent ? { ...intent, allowedTiers: [...intent.allowedTiers] } : null,
    ceilings,
    grants: [],
    now: new Date('2026-11-22T12:00:00Z'),
  }));
