import { describe, expect, it } from 'vitest';
import { glossaryKey, relateGlossary } from '../../src/catalog/read/glossary-relations.ts';
import { glossarySummary } from '../../src/catalog/read/glossary-summary.ts';

describe('what DISCOVER shows of a glossary term', () => {
  it('is the first sentence of its definition', () => {
    expect(glossarySummary('Bookings minus refunds.\n\nIssued in the same period.')).toBe(
      'Bookings minus refunds.',
    );
    expect(glossarySummary('No full stop at all')).toBe('No full stop at all');
    expect(glossarySummary('Version 2.5 of the rule applies. Then more.')).toBe(
      'Version 2.5 of the rule applies.',
    );
  });

  it('cuts a long first sentence at a word boundary', () => {
    const summary = glossarySummary(`${'word '.repeat(60)}end.`);
    expect(summary.length).toBeLessThanOrEqual(160);
    expect(summary).toMatch(/word…$/);
  });
});

describe('what a glossary term is about', () => {
  const objects = {
    metrics: [
      { id: 'm-arr', name: 'arr', label: 'ARR' },
      { id: 'm-cac', name: 'customer_acquisition_cost', label: 'Customer acquisition cost (CAC)' },
      { id: 'm-other', name: 'revenue', label: 'Revenue' },
    ],
    columns: [
      { id: 'c-headcount', name: 'headcount' },
      { id: 'c-other', name: 'amount' },
    ],
  };

  it('reads the key, the abbreviation, quoted identifiers and metric labels', () => {
    const relations = relateGlossary(
      [
        { id: 't1', key: 'arr', name: 'Annual Recurring Revenue (ARR)', definition: 'See the `arr` metric.' },
        { id: 't2', key: 'cac', name: 'Customer Acquisition Cost (CAC)', definition: 'Spend per customer.' },
        { id: 't3', key: 'headcount', name: 'Headcount', definition: 'People employed.' },
        { id: 't4', key: null, name: 'Unrelated', definition: 'Nothing quoted.' },
      ],
      objects,
    );
    expect(relations.get('t1')).toEqual({ metricIds: ['m-arr'], columnIds: [] });
    expect(relations.get('t2')).toEqual({ metricIds: ['m-cac'], columnIds: [] });
    expect(relations.get('t3')).toEqual({ metricIds: [], columnIds: ['c-headcount'] });
    expect(relations.get('t4')).toEqual({ metricIds: [], columnIds: [] });
  });

  it('takes the key from a dbt docs block id', () => {
    expect(glossaryKey('doc.acme_analytics.glossary__net_new_mrr')).toBe('net_new_mrr');
    expect(glossaryKey('postgres:comment')).toBeNull();
  });
});
