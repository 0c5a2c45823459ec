import { beforeAll, describe, expect, it } from 'vitest';
import { requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';

const t = useRequestWorld();

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
}

type ListField = 'myAccessRequests' | 'myGrants' | 'agents';

/** Agents have no id field in the API: their client id identifies them. */
const connectionFields = (field: ListField) =>
  `totalCount edges { cursor node { ${field === 'agents' ? 'id: clientId' : 'id'} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

let ana: string;
let gina: string;

async function page(field: ListField, args: string, token = ana): Promise<Connection> {
  const answer = await t.world.gql<Record<string, Connection>>(
    token,
    `{ ${field}(${args}) { ${connectionFields(field)} } }`,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data![field]!;
}

/** Every id of a list, read three at a time forwards from the start. */
async function forwards(field: ListField, filter = '', token = ana): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const next = await page(
      field,
      `${filter} first: 3${after ? `, after: ${JSON.stringify(after)}` : ''}`,
      token,
    );
    ids.push(...next.edges.map((edge) => edge.node.id));
    if (!next.pageInfo.hasNextPage) return ids;
    after = next.pageInfo.endCursor;
  }
  throw new Error('more than 20 pages');
}

/** The same list read three at a time backwards from the end. */
async function backwards(field: ListField, token = ana): Promise<string[]> {
  const pages: string[][] = [];
  let before: string | undefined;
  for (let count = 0; count < 20; count++) {
    const next = await page(field, `last: 3${before ? `, before: ${JSON.stringify(before)}` : ''}`, token);
    pages.unshift(next.edges.map((edge) => edge.node.id));
    if (!next.pageInfo.hasPreviousPage) return pages.flat();
    before = next.pageInfo.startCursor;
  }
  throw new Error('more than 20 pages');
}

beforeAll(async () => {
  ana = await t.world.humanToken('ana@acme.test');
  gina = await t.world.humanToken('gina@acme.test');
  // Five agents of Ana's, each with a request a rule approves (a grant) and one routed to approvers.
  for (let index = 1; index <= 5; index++) {
    const token = await t.world.agentToken('ana@acme.test', { agent: `List agent ${index}` });
    for (const paths of [['analytics.marts.fct_orders'], ['analytics.marts.customers']]) {
      const filed = await t.world.gql(token, requestAccessMutation, {
        input: { paths, tier: 'READ', justification: 'Paging through my requests', duration: 'PT1H' },
      });
      expect(filed.errors).toBeUndefined();
    }
  }
  // Most rows share one millisecond, so pages also break inside a tie (ordered by id there).
  const tie = new Date('2026-03-01T09:00:00.000Z');
  const requests = await t.db.prisma.accessRequest.findMany({ orderBy: { id: 'asc' }, take: 7 });
  await t.db.prisma.accessRequest.updateMany({
    where: { id: { in: requests.map((request) => request.id) } },
    data: { createdAt: tie },
  });
  await t.db.prisma.grant.updateMany({ data: { createdAt: tie } });
}, 120_000);

const newestFirst = [{ createdAt: 'desc' as const }, { id: 'asc' as const }];

describe('myAccessRequests and myGrants are connections, newest first; agents by name', () => {
  it('pages forwards and backwards through the whole list, ties included, with its count', async () => {
    const { id: anaId } = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
    const requests = await t.db.prisma.accessRequest.findMany({
      where: { humanId: anaId },
      orderBy: newestFirst,
    });
    const grants = await t.db.prisma.grant.findMany({ where: { humanId: anaId }, orderBy: newestFirst });
    expect(requests).toHaveLength(10);
    expect(grants).toHaveLength(5);

    expect(await forwards('myAccessRequests')).toEqual(requests.map((request) => request.id));
    expect(await backwards('myAccessRequests')).toEqual(requests.map((request) => request.id));
    expect(await forwards('myGrants')).toEqual(grants.map((grant) => grant.id));
    expect(await backwards('myGrants')).toEqual(grants.map((grant) => grant.id));

    expect((await page('myAccessRequests', 'first: 0')).totalCount).toBe(10);
    expect((await page('myGrants', 'first: 2')).totalCount).toBe(5);
    const pending = requests.filter((request) => request.status === 'PENDING').map((request) => request.id);
    expect(pending).toHaveLength(5);
    expect(await forwards('myAccessRequests', 'statuses: [PENDING],')).toEqual(pending);
    expect((await page('myAccessRequests', 'statuses: [PENDING], first: 1')).totalCount).toBe(5);
  });

  it('keeps its place when a newer request arrives between two pages', async () => {
    const first = await page('myAccessRequests', 'first: 4');
    const token = await t.world.agentToken('ana@acme.test', { agent: 'List agent 6' });
    const filed = await t.world.gql(token, requestAccessMutation, {
      input: {
        paths: ['analytics.marts.customers'],
        tier: 'READ',
        justification: 'A request between two pages',
        duration: 'PT1H',
      },
    });
    expect(filed.errors).toBeUndefined();
    const second = await page(
      'myAccessRequests',
      `first: 4, after: ${JSON.stringify(first.pageInfo.endCursor)}`,
    );
    const all = await forwards('myAccessRequests');
    expect(all).toHaveLength(11);
    // The new request leads the list; the second page is still the 5th to 8th of the list before it.
    expect(second.edges.map((edge) => edge.node.id)).toEqual(all.slice(5, 9));
    expect(first.edges.map((edge) => edge.node.id)).toEqual(all.slice(1, 5));
  });

  it('shows an agent chain only its own requests and grants', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'List agent 2' });
    expect((await page('myAccessRequests', 'first: 50', token)).totalCount).toBe(2);
    expect((await page('myGrants', 'first: 50', token)).totalCount).toBe(1);
    const bob = await t.world.humanToken('bob@acme.test');
    expect(await page('myGrants', 'first: 50', bob)).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('pages through every agent by name, for governance', async () => {
    const agents = await t.db.prisma.agent.findMany({ orderBy: { name: 'asc' } });
    expect(agents.length).toBeGreaterThanOrEqual(6);
    const clientIds = agents.map((agent) => agent.clientId);
    expect(await forwards('agents', '', gina)).toEqual(clientIds);
    expect(await backwards('agents', gina)).toEqual(clientIds);
    expect((await page('agents', 'first: 0', gina)).totalCount).toBe(agents.length);
  });

  it('refuses cursors it did not hand out with INVALID_INPUT naming the argument', async () => {
    const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const handedOut = (await page('myGrants', 'first: 1')).pageInfo.endCursor;
    const forged = [
      'analytics.marts.customers',
      `${handedOut}=`,
      cursor(['2026-03-01T09:00:00Z', '00000000-0000-4000-8000-000000000000']),
      cursor(['2026-03-01T09:00:00.000Z', 'not-a-uuid']),
      cursor({ createdAt: '2026-03-01T09:00:00.000Z' }),
      cursor([1]),
      Buffer.from('["2026-03-01T09:00:00.000Z",').toString('base64url'),
    ];
    for (const field of ['myAccessRequests', 'myGrants', 'agents'] as const) {
      for (const argument of ['after', 'before'] as const) {
        // A one-part key is an agent's (its name), not a newest-first list's (time and id).
        const oneKey = cursor(['2026-03-01T09:00:00.000Z']);
        for (const given of field === 'agents' ? forged : [...forged, oneKey]) {
          const answer = await t.world.gql(
            field === 'agents' ? gina : ana,
            `{ ${field}(${argument === 'after' ? 'first' : 'last'}: 2, ${argument}: ${JSON.stringify(given)}) { totalCount } }`,
          );
          expect({ field, argument, given, errors: answer.errors }).toEqual({
            field,
            argument,
            given,
            errors: [
              expect.objectContaining({
                extensions: {
                  code: 'INVALID_INPUT',
                  details: {
                    input: 'paging',
                    problems: [{ location: argument, message: 'must be a cursor from a previous page' }],
                  },
                },
              }),
            ],
          });
        }
      }
    }
  });
});
