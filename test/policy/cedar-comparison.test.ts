import { describe, expect, it } from 'vitest';
import { compareWithCedar } from '../../bench/reads/cedar-comparison.ts';
import { type PolicyInput, policySetSchema } from '../../src/policy/policy-schema.ts';
import { computeSlice } from '../../src/policy/slice.ts';
import { column, context, dataset, policies } from './catalog-fixture.ts';

// Subject conditions of three kinds, a glob whose `*` must not cross a dot, a `**` glob and a deny
// that caps at discover: the translation has to agree with aperture on every dataset.
const inputs: PolicyInput[] = [
  {
    id: 'read-finance',
    description: 'finance reads its open data',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
    resources: { domains: ['finance'], sensitivities: ['PUBLIC', 'INTERNAL'] },
  },
  {
    id: 'read-sales-schema',
    description: 'analysts read the sales schema and raw data',
    effect: 'allow',
    tier: 'READ',
    subjects: {
      match: 'any',
      conditions: [
        { attribute: 'groups', op: 'in', values: ['analysts'] },
        { attribute: 'attributes.clearance', op: 'equals', value: 3 },
      ],
    },
    resources: { kinds: ['dataset'], paths: ['warehouse.sales.*', 'raw.**'] },
  },
  {
    id: 'deny-legal-hold',
    description: 'legal hold outside amer',
    effect: 'deny',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'region', op: 'notIn', values: ['amer'] }] },
    resources: { tags: ['legal-hold'] },
  },
];

const objects = [
  dataset('warehouse.finance.ledger', { domain: 'finance' }),
  dataset('warehouse.finance.payroll', { domain: 'finance', sensitivity: 'RESTRICTED' }),
  dataset('warehouse.finance.budget', { domain: 'finance', sensitivity: 'PUBLIC', tags: ['legal-hold'] }),
  dataset('warehouse.sales.orders', { domain: 'sales' }),
  dataset('warehouse.sales.accounts', { domain: 'sales', tags: ['legal-hold'] }),
  dataset('warehouse.sales.archive.orders', { domain: 'sales' }),
  dataset('warehouse.salesforce.leads', { domain: 'sales' }),
  dataset('warehouse.marketing.campaigns', { domain: 'marketing' }),
  dataset('raw.stripe.charges'),
  column('warehouse.finance.ledger', 'amount', { domain: 'finance' }),
];

describe('compareWithCedar', () => {
  it('allows at read exactly the datasets aperture makes readable', async () => {
    const viewer = context();
    const slice = computeSlice(policies(inputs), viewer, objects);
    const apertureRead = objects
      .filter((object) => object.kind === 'dataset' && slice.decisions.get(object.id)?.visibility === 'READ')
      .map((object) => object.id);

    const result = await compareWithCedar({
      policies: policySetSchema.parse(inputs),
      objects,
      human: viewer.human,
      intent: null,
      now: viewer.now,
    });

    const cedarRead = result.allowedIds.filter((id) => !id.endsWith('.amount'));
    expect(cedarRead.sort()).toEqual(apertureRead.sort());
    expect(apertureRead.sort()).toEqual([
      'raw.stripe.charges',
      'warehouse.finance.ledger',
      'warehouse.sales.orders',
    ]);
    expect(result).toMatchObject({
      api: 'statefulIsAuthorized',
      calls: objects.length,
      policiesTranslated: 3,
      skippedPolicies: [],
      evaluationErrors: 0,
    });
    // The legal-hold datasets stay discoverable (deny READ caps at discover), as in aperture.
    const apertureDiscover = [...slice.decisions.values()].filter((d) => d.visibility === 'DISCOVER');
    expect(apertureDiscover).toHaveLength(2);
    expect(result.cedarDiscoverOnly).toBe(2);
  });
});
