import { type Comparison, comparison } from './bench-comparisons.ts';
import type { BenchDelegation } from './bench-delegations.ts';

/** A page as large as search_catalog gives (its most), asked of GraphQL with the same fields. */
const pageSize = 50;
const searchText = 'model_12';

const searchQuery = `query Search($text: String!) { search(query: $text, first: ${pageSize}) { totalCount edges { node { __typename ... on Dataset { path tier requestable description } ... on Column { path description access { masked method } } ... on Metric { name tier requestable description label } ... on GlossaryTerm { name tier requestable summary } } } } }`;

/** What describe_object shows of a dataset, asked of GraphQL. */
const datasetQuery =
  'query Dataset($path: String!) { dataset(path: $path) { path name kind tier requestable description tags sensitivity domain { name } ownerEmail stewardEmails rowFilter joinPaths { kind name from { path } fromColumns to { path } toColumns } columns { name dataType description isPrimaryKey access { masked method keepLast expression } } } }';

/**
 * search_catalog next to the search page (every viewer searches the same text), and
 * describe_object next to dataset(path) (each pair: a dataset its viewer may see).
 */
export function readComparisons(
  delegations: BenchDelegation[],
  datasets: { delegation: BenchDelegation; path: string }[],
): Comparison[] {
  return [
    comparison({
      label: 'search',
      query: searchQuery,
      graphqlExpect: '{"data":{"search":{"totalCount"',
      tool: 'search_catalog',
      argumentsOf: ({ text }) => ({ query: text, limit: pageSize }),
      // Only a result: a tool error's structured content is {"error": ...}.
      mcpExpect: '"structuredContent":{"totalCount"',
      asks: delegations.map((delegation) => ({ delegation, variables: { text: searchText } })),
    }),
    comparison({
      label: 'describe dataset',
      query: datasetQuery,
      graphqlExpect: '{"data":{"dataset":{"path"',
      tool: 'describe_object',
      argumentsOf: ({ path }) => ({ path }),
      mcpExpect: '"structuredContent":{"kind":"dataset"',
      asks: datasets.map(({ delegation, path }) => ({ delegation, variables: { path } })),
    }),
  ];
}
