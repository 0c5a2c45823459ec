import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrigramIndex } from '../../src/policy/slice/trigram-index.ts';

describe('TrigramIndex', () => {
  const texts = ['warehouse.sales.orders', 'warehouse.sales.orders.email', 'revenue_eur', 'ab', 'ordered'];
  const index = new TrigramIndex(texts).index();

  it('finds every text that contains the query, case-insensitively, in order', () => {
    expect(index.search('ORDER')).toEqual([0, 1, 4]);
    expect(index.search('orders.email')).toEqual([1]);
    expect(index.search('sales.orders.e')).toEqual([1]);
  });

  it('answers short and empty queries by scanning', () => {
    expect(index.search('ab')).toEqual([3]);
    expect(index.search('')).toEqual([0, 1, 2, 3, 4]);
  });

  it('finds nothing for a trigram no text holds, or trigrams in the wrong order', () => {
    expect(index.search('xyz')).toEqual([]);
    expect(index.search('ordersales')).toEqual([]);
  });

  it('agrees with a linear scan on random texts and queries', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '.', '_', 'é');
    const word = fc.string({ unit: alphabet, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 30 }), word, (words, query) => {
        const lowered = words.map((text) => text.toLowerCase());
        const expected = lowered.flatMap((text, position) => (text.includes(query) ? [position] : []));
        expect(new TrigramIndex(lowered).index().search(query)).toEqual(expected);
        // Before its postings are built, an index scans, and finds the same.
        expect(new TrigramIndex(lowered).search(query)).toEqual(expected);
      }),
    );
  });

  it('built in slices, finds what it found by scanning', async () => {
    const many = Array.from({ length: 1_000 }, (_, position) => `warehouse.sales.model_${position}.id`);
    const index = new TrigramIndex(many);
    const scanned = index.search('model_12');
    expect(index.indexed).toBe(false);
    await index.indexInSlices(100);
    expect(index.indexed).toBe(true);
    expect(index.search('model_12')).toEqual(scanned);
    const containing = (text: string) =>
      many.flatMap((each, position) => (each.includes(text) ? [position] : []));
    expect(index.search('l_99')).toEqual(containing('l_99'));
    expect(index.search('l_99')).toHaveLength(11);
  });
});
