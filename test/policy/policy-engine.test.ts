import { describe, expect, it } from 'vitest';
import { compilePathGlob } from '../../src/catalog/path-glob.ts';
import { policySchema } from '../../src/policy/policy-schema.ts';
import { renderRowFilter } from '../../src/policy/render-row-filter.ts';
import { computeSlice } from '../../src/policy/slice.ts';
import { column, context, dataset, metric, policies } from './catalog-fixture.ts';

const orders = dataset('dw.sales.orders', { tags: ['sales'], domain: 'sales' });
const salaries = dataset('dw.hr.salaries', { tags: ['hr'], domain: 'hr', sensitivity: 'RESTRICTED' });
const catalog = [
  orders,
  column('dw.sales.orders', 'id'),
  column('dw.sales.orders', 'email', { tags: ['pii'], sensitivity: 'CONFIDENTIAL' }),
  column('dw.sales.orders', 'amount'),
  salaries,
  column('dw.hr.salaries', 'salary', { sensitivity: 'RESTRICTED' }),
  metric('revenue', ['dw.sales.orders', 'dw.sales.orders.amount'], { domain: 'sales' }),
  metric('payroll', ['dw.hr.salaries.salary']),
];

const visible = (slice: ReturnType<typeof computeSlice>) =>
  Object.fromEntries([...slice.decisions].map(([id, decision]) => [id, decision.visibility]));

describe('policy engine', () => {
  it('allow grants a tier; deny wins (DISCOVER hides, READ caps at discover)', () => {
    const set = policies([
      {
        id: 'sales-read',
        description: 'Sales data',
        effect: 'allow',
        tier: 'READ',
        resources: { domains: ['sales'] },
      },
      {
        id: 'hr-discover',
        description: 'HR exists',
        effect: 'allow',
        tier: 'DISCOVER',
        resources: { domains: ['hr'] },
      },
      {
        id: 'no-pii',
        description: 'No PII columns',
        effect: 'deny',
        tier: 'READ',
        resources: { kinds: ['column'], tags: ['pii'] },
      },
    ]);
    expect(visible(computeSlice(set, context(), catalog))).toEqual({
      'dw.sales.orders': 'READ',
      'dw.sales.orders.id': 'READ',
      'dw.sales.orders.amount': 'READ',
      'dw.hr.salaries': 'DISCOVER',
      'metric:revenue': 'READ',
    });
  });

  it('a metric is readable only when everything it reads is', () => {
    const set = policies([
      {
        id: 'all-metrics',
        description: 'Metrics',
        effect: 'allow',
        tier: 'READ',
        resources: { kinds: ['metric'] },
      },
      {
        id: 'sales-read',
        description: 'Sales',
        effect: 'allow',
        tier: 'READ',
        resources: { domains: ['sales'] },
      },
    ]);
    const slice = computeSlice(set, context(), catalog);
    expect(slice.decisions.get('metric:revenue')?.visibility).toBe('READ');
    // The salary column is hidden from this viewer: the reason does not name it.
    expect(slice.decisions.get('metric:payroll')).toMatchObject({
      visibility: 'DISCOVER',
      reasons: { cappedBy: ['dependency:hidden'] },
    });
  });

  it('a cap by a dependency the viewer may discover names it; one it may not discover stays unnamed', () => {
    const headcount = metric('headcount', ['dw.hr.salaries']);
    const set = policies([
      {
        id: 'all-metrics',
        description: 'Metrics',
        effect: 'allow',
        tier: 'READ',
        resources: { kinds: ['metric'] },
      },
      {
        id: 'hr-exists',
        description: 'HR exists',
        effect: 'allow',
        tier: 'DISCOVER',
        resources: { domains: ['hr'] },
      },
    ]);
    const slice = computeSlice(set, context(), [...catalog, headcount]);
    expect(slice.decisions.get('dw.hr.salaries')?.visibility).toBe('DISCOVER');
    expect(slice.decisions.get('metric:headcount')?.reasons.cappedBy).toEqual(['dependency:dw.hr.salaries']);
    expect(slice.decisions.get('metric:payroll')?.reasons.cappedBy).toEqual(['dependency:hidden']);
  });

  it('subjects, intents and validity windows select the policies that apply', () => {
    const set = policies([
      {
        id: 'finance-under-close',
        description: 'Finance people, during close',
        effect: 'allow',
        tier: 'READ',
        subjects: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        intents: ['finance-close'],
        resources: { paths: ['dw.sales.*'] },
        validUntil: new Date('2026-12-01T00:00:00Z'),
      },
    ]);
    const close = { name: 'finance-close', allowedTiers: ['DISCOVER', 'READ'] as const, allowedTags: [] };
    expect(
      computeSlice(
        set,
        context({ intent: { ...close, allowedTiers: [...close.allowedTiers] } }),
        catalog,
      ).decisions.get('dw.sales.orders')?.visibility,
    ).toBe('READ');
    expect(computeSlice(set, context(), catalog).decisions.size).toBe(0);
    const engineer = context({
      human: { ...context().human, department: 'engineering' },
      intent: { ...close, allowedTiers: ['READ'] },
    });
    expect(computeSlice(set, engineer, catalog).decisions.size).toBe(0);
    const later = context({
      intent: { ...close, allowedTiers: ['READ'] },
      now: new Date('2026-12-02T00:00:00Z'),
    });
    expect(computeSlice(set, later, catalog).decisions.size).toBe(0);
  });

  it('every hop of the chain caps: tier, sensitivity, excluded tags; the intent caps the tier', () => {
    const set = policies([{ id: 'everything', description: 'All', effect: 'allow', tier: 'READ' }]);
    const ceiling = {
      maxTier: 'READ' as const,
      maxSensitivity: 'CONFIDENTIAL' as const,
      requiredTags: [],
      excludedTags: ['pii'],
      paths: [],
    };
    const narrow = { ...ceiling, maxTier: 'DISCOVER' as const };
    const slice = computeSlice(set, context({ ceilings: [ceiling] }), catalog);
    expect(visible(slice)).toMatchObject({ 'dw.sales.orders': 'READ', 'dw.sales.orders.id': 'READ' });
    expect(slice.decisions.has('dw.sales.orders.email')).toBe(false);
    expect(slice.decisions.has('dw.hr.salaries')).toBe(false);
    const chain = computeSlice(set, context({ ceilings: [ceiling, narrow] }), catalog);
    expect(chain.decisions.get('dw.sales.orders')?.visibility).toBe('DISCOVER');
    expect(chain.decisions.has('dw.sales.orders.id')).toBe(false);
    const discoverOnly = computeSlice(
      set,
      context({ intent: { name: 'browse', allowedTiers: ['DISCOVER'], allowedTags: [] } }),
      catalog,
    );
    expect(discoverOnly.decisions.get('dw.sales.orders')?.visibility).toBe('DISCOVER');
  });

  it('grants add access for their exact paths; denies still win over them', () => {
    const set = policies([
      { id: 'no-hr', description: 'No HR', effect: 'deny', tier: 'DISCOVER', resources: { domains: ['hr'] } },
    ]);
    const grants = [{ id: 'g1', paths: ['dw.sales.orders', 'dw.hr.salaries'], tier: 'READ' as const }];
    expect(visible(computeSlice(set, context({ grants }), catalog))).toEqual({
      'dw.sales.orders': 'READ',
      'dw.sales.orders.id': 'READ',
      'dw.sales.orders.email': 'READ',
      'dw.sales.orders.amount': 'READ',
    });
  });

  it('a READ grant lifts no mask or row filter: the grantee gets the strictest of every policy on the dataset', () => {
    const set = policies([
      {
        id: 'finance-sales',
        description: 'Finance reads sales, emails redacted, own region',
        effect: 'allow',
        tier: 'READ',
        subjects: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        resources: { domains: ['sales'] },
        masks: [{ columns: { tags: ['pii'] }, method: 'redact' }],
        rowFilters: [{ predicate: 'region = {{human.region}}' }],
      },
    ]);
    const engineer = context({
      human: { ...context().human, department: 'engineering', region: 'amer' },
      grants: [{ id: 'g1', paths: ['dw.sales.orders'], tier: 'READ' as const }],
    });
    const slice = computeSlice(set, engineer, catalog);
    expect(slice.decisions.get('dw.sales.orders')).toMatchObject({
      visibility: 'READ',
      rowFilter: "(region = 'amer')",
    });
    expect(slice.decisions.get('dw.sales.orders.email')?.mask).toMatchObject({
      method: 'redact',
      policyId: 'finance-sales',
    });
    expect(slice.decisions.get('dw.sales.orders.id')?.mask).toBeNull();
  });

  it('applies the strictest mask and renders row filters with the human values, quoted', () => {
    const set = policies([
      {
        id: 'sales-emea',
        description: 'Sales rows of my region, emails hashed',
        effect: 'allow',
        tier: 'READ',
        resources: { domains: ['sales'] },
        masks: [
          { columns: { tags: ['pii'] }, method: 'hash' },
          { columns: { paths: ['dw.sales.orders.email'] }, method: 'partial', keepLast: 4 },
        ],
        rowFilters: [{ predicate: 'region = {{human.region}} AND owner IN {{human.groups}}' }],
      },
    ]);
    const human = { ...context().human, region: "o'reilly" };
    const slice = computeSlice(set, context({ human }), catalog);
    expect(slice.decisions.get('dw.sales.orders.email')?.mask).toMatchObject({
      method: 'hash',
      policyId: 'sales-emea',
    });
    expect(slice.decisions.get('dw.sales.orders.id')?.mask).toBeNull();
    expect(slice.decisions.get('dw.sales.orders')?.rowFilter).toBe(
      "(region = 'o''reilly' AND owner IN ('analysts'))",
    );
  });

  it('row filters of several granting policies combine as alternatives; an unfiltered grant lifts them', () => {
    const filtered = { effect: 'allow' as const, tier: 'READ' as const, resources: { domains: ['sales'] } };
    const set = policies([
      {
        ...filtered,
        id: 'mine',
        description: 'Mine',
        rowFilters: [{ predicate: 'owner = {{human.email}}' }],
      },
      {
        ...filtered,
        id: 'region',
        description: 'Region',
        rowFilters: [{ predicate: 'region = {{human.region}}' }],
      },
    ]);
    expect(computeSlice(set, context(), catalog).decisions.get('dw.sales.orders')?.rowFilter).toBe(
      "((owner = 'ana@acme.test')) OR ((region = 'emea'))",
    );
    const lifted = policies([
      ...set.policies.map((compiled) => compiled.policy),
      { ...filtered, id: 'all', description: 'All rows' },
    ]);
    expect(computeSlice(lifted, context(), catalog).decisions.get('dw.sales.orders')?.rowFilter).toBeNull();
  });
});

describe('policy validation', () => {
  const base = { id: 'p', description: 'd', effect: 'allow', tier: 'READ' };
  it.each([
    [
      'an unknown attribute',
      { subjects: { conditions: [{ attribute: 'salary', op: 'exists' }] } },
      /must be email, department/,
    ],
    ['a bad glob', { resources: { paths: ['dw..x'] } }, /empty segment/],
    [
      'an unsafe row filter',
      { rowFilters: [{ predicate: "region = 'x'; DROP TABLE users" }] },
      /must not contain ;/,
    ],
    [
      'an unknown placeholder',
      { rowFilters: [{ predicate: 'region = {{user.region}}' }] },
      /unknown placeholder/,
    ],
    [
      'masks on a deny',
      { effect: 'deny', masks: [{ columns: { tags: ['pii'] }, method: 'hash' }] },
      /belong to allow policies/,
    ],
    [
      'an inverted validity window',
      { validFrom: '2026-02-01', validUntil: '2026-01-01' },
      /must be after validFrom/,
    ],
    [
      'a partial mask without keepLast',
      { masks: [{ columns: { tags: ['pii'] }, method: 'partial' }] },
      /keepLast/,
    ],
  ])('rejects %s with a field-level error', (_name, overrides, message) => {
    const result = policySchema.safeParse({ ...base, ...overrides });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });

  it('globs match by segment', () => {
    expect(compilePathGlob('dw.sales.*').test('dw.sales.orders')).toBe(true);
    expect(compilePathGlob('dw.sales.*').test('dw.sales.orders.id')).toBe(false);
    expect(compilePathGlob('dw.**').test('dw.sales.orders.id')).toBe(true);
    expect(compilePathGlob('**.email').test('dw.sales.orders.email')).toBe(true);
    expect(compilePathGlob('dw.s(a|b).*').test('dw.sa.x')).toBe(false);
  });

  it('renders missing attributes as NULL (no rows)', () => {
    expect(renderRowFilter('cc = {{human.attributes.costCenter}}', context().human)).toBe('cc = NULL');
  });
});
