import { authzenPaths } from '../../src/authzen/authzen-paths.ts';
import { gqlStep } from '../load/graphql-step.ts';
import type { LoadStep } from '../load/load-spec.ts';
import type { BenchDelegation } from '../mcp/bench-delegations.ts';
import type { TieredPair } from './dataset-tiers.ts';

/**
 * One distinct request asked of both doors by the same viewer: the GraphQL call a gateway would
 * otherwise make (the floor) and the AuthZEN call. `disagreement` reads both answers and says how
 * they differ (null when they agree): checked once for every ask before anything is timed.
 */
export interface Ask {
  floor: LoadStep;
  authzen: LoadStep;
  disagreement(floor: unknown, authzen: unknown): string | null;
}

/** One AuthZEN endpoint next to its GraphQL floor, on the same asks. */
export interface DoorComparison {
  label: string;
  floorLabel: string;
  authzenLabel: string;
  /** Decisions one AuthZEN call answers: 20 in a boxcar; a search page counts as one answer. */
  decisionsPerCall: number;
  asks: Ask[];
  /** Said next to the count of distinct requests (how the asks were made up). */
  note?: string;
}

export const boxcarSize = 20;
export const searchPageSize = 100;

const graphqlPath = '/graphql';

function authzenStep(
  label: string,
  path: string,
  authorization: string,
  body: unknown,
  expect: string,
): LoadStep {
  return { label, method: 'POST', path, headers: { authorization }, body: JSON.stringify(body), expect };
}

/** The subject: the person, proven by the delegation token the gateway forwards (never its word). */
const subject = (delegation: BenchDelegation) => ({
  type: 'user',
  id: delegation.email,
  properties: { token: delegation.graphqlToken },
});

interface Decision {
  decision?: boolean;
  context?: { tier?: string; reason?: string; access_request?: { binding_token?: string } };
}

/**
 * READ: `decision: true` at tier read. DISCOVER (the bench's viewers are delegations, so a denied
 * read is requestable): `decision: false`, reason approval_required, with an access request offer.
 */
function decisionDisagrees(tier: string | undefined, decision: Decision | undefined): string | null {
  if (tier === 'READ') {
    return decision?.decision === true && decision.context?.tier === 'read'
      ? null
      : `GraphQL READ, AuthZEN ${JSON.stringify(decision)}`;
  }
  if (tier === 'DISCOVER') {
    return decision?.decision === false &&
      decision.context?.tier === 'discover' &&
      decision.context.reason === 'approval_required' &&
      typeof decision.context.access_request?.binding_token === 'string'
      ? null
      : `GraphQL DISCOVER, AuthZEN ${JSON.stringify(decision).slice(0, 300)}`;
  }
  return `GraphQL tier ${tier}`;
}

const decisionPrefix = (tier: string) =>
  tier === 'READ'
    ? '{"decision":true,"context":{"tier":"read"'
    : '{"decision":false,"context":{"tier":"discover"';

/** POST /access/v1/evaluation (read, one dataset) next to GraphQL `dataset(path) { tier }`. */
export function evaluationComparison(pairs: TieredPair[], authorization: string): DoorComparison {
  const label = 'evaluation';
  return {
    label,
    floorLabel: 'GraphQL dataset(path) { tier }',
    authzenLabel: 'AuthZEN evaluation',
    decisionsPerCall: 1,
    asks: pairs.map(({ delegation, path, tier }) => ({
      floor: gqlStep(
        label,
        graphqlPath,
        delegation.graphqlToken,
        'query ($path: String!) { dataset(path: $path) { tier } }',
        { path },
        `{"data":{"dataset":{"tier":"${tier}"}}}`,
      ),
      authzen: authzenStep(
        label,
        authzenPaths.evaluation,
        authorization,
        {
          subject: subject(delegation),
          action: { name: 'read' },
          resource: { type: 'dataset', id: path },
        },
        decisionPrefix(tier),
      ),
      disagreement: (floor, authzen) =>
        decisionDisagrees(
          (floor as { data?: { dataset?: { tier?: string } } }).data?.dataset?.tier,
          authzen as Decision,
        ),
    })),
  };
}

/**
 * POST /access/v1/evaluations with 20 datasets of one viewer per call (the subject and action as
 * the boxcar's defaults, §7.1) next to one GraphQL query asking the same 20 `dataset(path)`s.
 */
export function evaluationsComparison(pairs: TieredPair[], authorization: string): DoorComparison {
  const label = `evaluations (${boxcarSize})`;
  const aliases = Array.from({ length: boxcarSize }, (_, index) => index);
  const query = `query (${aliases.map((index) => `$p${index}: String!`).join(', ')}) { ${aliases
    .map((index) => `d${index}: dataset(path: $p${index}) { tier }`)
    .join(' ')} }`;
  const filled = boxcars(pairs);
  const distinct = filled.reduce((sum, boxcar) => sum + new Set(boxcar.map(({ path }) => path)).size, 0);
  return {
    label,
    note: `${filled.length} boxcars of ${new Set(pairs.map((pair) => pair.delegation.email)).size} viewers; ${distinct} distinct (viewer, dataset) pairs in ${filled.length * boxcarSize} evaluations`,
    floorLabel: `GraphQL ${boxcarSize} dataset(path) { tier }`,
    authzenLabel: `AuthZEN evaluations (${boxcarSize})`,
    decisionsPerCall: boxcarSize,
    asks: filled.map((boxcar) => {
      const delegation = boxcar[0]!.delegation;
      return {
        floor: gqlStep(
          label,
          graphqlPath,
          delegation.graphqlToken,
          query,
          Object.fromEntries(boxcar.map(({ path }, index) => [`p${index}`, path])),
          '{"data":{"d0":{"tier"',
        ),
        authzen: authzenStep(
          label,
          authzenPaths.evaluations,
          authorization,
          {
            subject: subject(delegation),
            action: { name: 'read' },
            evaluations: boxcar.map(({ path }) => ({ resource: { type: 'dataset', id: path } })),
          },
          `{"evaluations":[${decisionPrefix(boxcar[0]!.tier)}`,
        ),
        disagreement: (floor, authzen) => {
          const tiers = (floor as { data?: Record<string, { tier?: string } | null> }).data ?? {};
          const decisions = (authzen as { evaluations?: Decision[] }).evaluations ?? [];
          if (decisions.length !== boxcar.length)
            return `${decisions.length} decisions for ${boxcar.length} evaluations`;
          for (const [index, { path }] of boxcar.entries()) {
            const differs = decisionDisagrees(tiers[`d${index}`]?.tier, decisions[index]);
            if (differs) return `${path}: ${differs}`;
          }
          return null;
        },
      };
    }),
  };
}

/**
 * Each viewer's pairs in boxcars of 20; a viewer with fewer than 20 repeats its own datasets to
 * fill one (a gateway may ask the same object twice in a boxcar; it is decided twice).
 */
function boxcars(pairs: TieredPair[]): TieredPair[][] {
  const byViewer = new Map<string, TieredPair[]>();
  for (const pair of pairs) {
    const list = byViewer.get(pair.delegation.email) ?? [];
    list.push(pair);
    byViewer.set(pair.delegation.email, list);
  }
  const result: TieredPair[][] = [];
  for (const list of byViewer.values()) {
    const whole = Math.max(1, Math.floor(list.length / boxcarSize));
    for (let start = 0; start < whole * boxcarSize; start += boxcarSize)
      result.push(Array.from({ length: boxcarSize }, (_, offset) => list[(start + offset) % list.length]!));
  }
  return result;
}

/**
 * POST /access/v1/search/resource (datasets a viewer may discover, the first page of 100) next to
 * GraphQL `datasets(first: 100)`: the same page, the same total.
 */
export function searchComparison(delegations: BenchDelegation[], authorization: string): DoorComparison {
  const label = 'search';
  return {
    label,
    floorLabel: `GraphQL datasets(first: ${searchPageSize})`,
    authzenLabel: 'AuthZEN search/resource',
    decisionsPerCall: 1,
    asks: delegations.map((delegation) => ({
      floor: gqlStep(
        label,
        graphqlPath,
        delegation.graphqlToken,
        `query { datasets(first: ${searchPageSize}) { totalCount edges { node { path } } } }`,
        {},
        '{"data":{"datasets":{"totalCount"',
      ),
      authzen: authzenStep(
        label,
        authzenPaths.searchResource,
        authorization,
        {
          subject: subject(delegation),
          action: { name: 'discover' },
          resource: { type: 'dataset' },
          page: { limit: searchPageSize },
        },
        '"results":[{"type":"dataset","id":',
      ),
      disagreement: (floor, authzen) => {
        const page = (
          floor as { data?: { datasets?: { totalCount: number; edges: { node: { path: string } }[] } } }
        ).data?.datasets;
        const found = authzen as { page?: { total?: number }; results?: { id: string }[] };
        const graphqlPaths = (page?.edges ?? []).map((edge) => edge.node.path);
        const authzenPaths = (found.results ?? []).map((result) => result.id);
        if (page?.totalCount !== found.page?.total)
          return `GraphQL total ${page?.totalCount}, AuthZEN total ${found.page?.total}`;
        if (graphqlPaths.join('\n') !== authzenPaths.join('\n'))
          return `the first pages differ: GraphQL ${graphqlPaths.slice(0, 3).join(', ')}…, AuthZEN ${authzenPaths.slice(0, 3).join(', ')}…`;
        return null;
      },
    })),
  };
}
