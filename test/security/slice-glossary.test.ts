import { beforeAll, describe, expect, it } from 'vitest';
import { findLeaks } from './support/slice-leak-detector.ts';
import { useSliceWorld } from './support/slice-world.ts';

/**
 * Glossary terms show at DISCOVER what datasets and metrics show there (name, a short description,
 * owner, tags); the full definition and what the term is about need READ. In the demo, full-time
 * staff read the glossary (Oliver) and contractors only discover it (Ana); this file adds a policy
 * that hides the glossary from the data-platform team (Pavel).
 */
const world = useSliceWorld();
const oliver = 'oliver.grant@acme.example';
const ana = 'ana.ribeiro@acme.example';
const pavel = 'pavel.novak@acme.example';
const arr = 'Annual Recurring Revenue (ARR)';

const termFields =
  'name tier requestable summary definition ownerEmail tags relatedMetrics { name } relatedColumns { path }';

beforeAll(async () => {
  const rachel = await world.token('rachel.stone@acme.example');
  const current = await world.gql(rachel, '{ policies { policies } }');
  const policies = (current.data as { policies: { policies: unknown[] } }).policies.policies;
  const applied = await world.gql(
    rachel,
    'mutation ($p: JSON!) { applyPolicies(policies: $p) { applied } }',
    {
      p: [
        ...policies,
        {
          id: 'no-glossary-for-data-platform',
          description: 'The data platform team works without the business glossary',
          effect: 'deny',
          tier: 'DISCOVER',
          subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'data-platform' }] },
          resources: { kinds: ['glossary'] },
        },
      ],
    },
  );
  expect(applied.errors).toBeUndefined();
});

async function term(email: string, name: string) {
  const response = await world.gql(
    await world.token(email),
    `query ($name: String!) { glossaryTerm(name: $name) { ${termFields} } }`,
    { name },
  );
  expect(response.errors).toBeUndefined();
  return (response.data as { glossaryTerm: Record<string, unknown> | null }).glossaryTerm;
}

describe('what a glossary term shows at each tier', () => {
  it('at DISCOVER a contractor gets the name and the first sentence, not the definition or what it is about', async () => {
    expect(await term(ana, arr)).toEqual({
      name: arr,
      tier: 'DISCOVER',
      requestable: true,
      summary: 'Monthly recurring revenue multiplied by 12.',
      definition: null,
      ownerEmail: null,
      tags: [],
      relatedMetrics: [],
      relatedColumns: [],
    });
  });

  it('at READ an employee gets the full definition and the metrics it is about', async () => {
    const shown = await term(oliver, arr);
    expect(shown).toMatchObject({
      tier: 'READ',
      requestable: false,
      summary: 'Monthly recurring revenue multiplied by 12.',
      definition:
        'Monthly recurring revenue multiplied by 12. Excludes one-off services and usage overages. Source of truth: the `arr` metric, owned by Finance.',
    });
    expect(shown?.relatedMetrics).toEqual([{ name: 'arr' }]);
  });

  it('the metrics and columns a readable term relates to are only those its reader may discover', async () => {
    const oracle = await world.oracle(oliver);
    const response = await world.gql(
      await world.token(oliver),
      `{ glossaryTerms(first: 100) { totalCount edges { node { ${termFields} } } } }`,
    );
    expect(findLeaks(response, oracle)).toEqual([]);
    const terms = (response.data as { glossaryTerms: { edges: { node: Record<string, unknown> }[] } })
      .glossaryTerms.edges;
    const related = terms.flatMap(({ node }) => [
      ...(node.relatedMetrics as { name: string }[]).map((metric) => metric.name),
      ...(node.relatedColumns as { path: string }[]).map((column) => column.path),
    ]);
    expect(related.length).toBeGreaterThan(3);
    for (const path of related) expect(oracle.visible.has(path), path).toBe(true);
  });

  it('a term hidden from its viewer answers glossaryTerm exactly like a term that does not exist', async () => {
    const token = await world.token(pavel);
    const query = `query ($name: String!) { glossaryTerm(name: $name) { ${termFields} } }`;
    const hidden = await world.raw(token, query, { name: arr });
    const absent = await world.raw(token, query, { name: 'Annual Recurring Revenue (ARX)' });
    expect(hidden).toBe(absent);
    expect(hidden).toBe('200 {"data":{"glossaryTerm":null}}');
  });

  it('explainAccess on a term hidden from its viewer answers like a nonexistent term', async () => {
    const token = await world.token(pavel);
    const query = 'query ($path: String!) { explainAccess(path: $path) { path tier allowedBy cappedBy } }';
    const hidden = (await world.raw(token, query, { path: arr })).replace(arr, '<typed>');
    const absent = (await world.raw(token, query, { path: 'No Such Term' })).replace(
      'No Such Term',
      '<typed>',
    );
    expect(hidden).toBe(absent);
  });

  it('a search for words of a withheld definition does not find the term', async () => {
    // "overages" is in the ARR definition only, past its first sentence.
    const query = `query ($q: String!) {
      search(query: $q, first: 10) { totalCount edges { node { ... on GlossaryTerm { name } } } }
      glossaryTerms(first: 10, search: $q) { totalCount edges { node { name } } }
    }`;
    const asAna = await world.gql(await world.token(ana), query, { q: 'usage overages' });
    expect(asAna.data).toEqual({
      search: { totalCount: 0, edges: [] },
      glossaryTerms: { totalCount: 0, edges: [] },
    });
    const asOliver = await world.gql(await world.token(oliver), query, { q: 'usage overages' });
    expect(asOliver.data).toEqual({
      search: { totalCount: 1, edges: [{ node: { name: arr } }] },
      glossaryTerms: { totalCount: 1, edges: [{ node: { name: arr } }] },
    });
  });

  it('a search for words of the short description finds the term at DISCOVER', async () => {
    const response = await world.gql(
      await world.token(ana),
      '{ glossaryTerms(first: 10, search: "multiplied by 12") { totalCount edges { node { name definition } } } }',
    );
    expect(response.data).toEqual({
      glossaryTerms: { totalCount: 1, edges: [{ node: { name: arr, definition: null } }] },
    });
  });

  it('a viewer the glossary is hidden from counts no terms and finds none', async () => {
    const response = await world.gql(
      await world.token(pavel),
      '{ glossaryTerms(first: 10) { totalCount } search(query: "Recurring Revenue", first: 10) { totalCount edges { node { __typename } } } }',
    );
    const data = response.data as {
      glossaryTerms: { totalCount: number };
      search: { edges: { node: { __typename: string } }[] };
    };
    expect(data.glossaryTerms.totalCount).toBe(0);
    expect(data.search.edges.map((edge) => edge.node.__typename)).not.toContain('GlossaryTerm');
  });
});
