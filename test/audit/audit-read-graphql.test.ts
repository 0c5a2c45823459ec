import { beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/index.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';

/**
 * `auditEvents` as a governance lead reads it over real HTTP from the running service: filters,
 * newest-first paging, and what each event shows. The service's own events (intents, agents,
 * token exchanges) are in the log too; the filters below pick out the ones this file writes.
 */

const t = useRequestWorld();

interface Node {
  id: string;
  index: string | null;
  occurredAt: string;
  type: string;
  actor: {
    humanId: string | null;
    human: { id: string; email: string; name: string } | null;
    agentChain: string[];
    agents: { id: string; clientId: string | null; name: string | null }[];
  };
  intent: string | null;
  subject: { kind: string; id: string } | null;
  policyVersion: number | null;
  payload: unknown;
  leafHash: string | null;
}
interface Connection {
  auditEvents: {
    edges: { cursor: string; node: Node }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
  };
}

const query = `query ($filter: AuditEventFilter, $first: Int, $after: String, $last: Int, $before: String) {
  auditEvents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node {
      id index occurredAt type intent policyVersion payload leafHash
      actor { humanId human { id email name } agentChain agents { id clientId name } }
      subject { kind id }
    } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

let gina: string;
let ana: { id: string; email: string; name: string };
let agent: { id: string; clientId: string };
const subAgentId = '00000000-0000-4000-8000-00000000beef';

async function read(variables: Record<string, unknown>) {
  return t.world.gql<Connection>(gina, query, variables);
}

/** The payload marks (`n`) of the events a filter finds, newest first. */
async function marks(filter: Record<string, unknown>): Promise<number[]> {
  const answer = await read({ filter: { types: ['test.read'], ...filter }, first: 200 });
  expect(answer.errors).toBeUndefined();
  return answer.data!.auditEvents.edges.map((edge) => (edge.node.payload as { n: number }).n);
}

beforeAll(async () => {
  gina = await t.world.humanToken('gina@acme.test');
  await t.world.agentToken('ana@acme.test');
  ana = await t.db.prisma.person.findUniqueOrThrow({
    where: { email: 'ana@acme.test' },
    select: { id: true, email: true, name: true },
  });
  agent = await t.db.prisma.agent.findUniqueOrThrow({
    where: { clientId: t.world.agentClientId('SQL agent') },
    select: { id: true, clientId: true },
  });
  const gin = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'gina@acme.test' } });
  // Ten events: n = 0..9, a day apart from 2026-11-01. Their times are set before they commit:
  // the service's sequencer only sees committed events, so their leaves cover these times.
  await t.db.prisma.$transaction(async (tx) => {
    await appendAuditEvents(
      tx,
      Array.from({ length: 10 }, (_, n) => ({
        type: 'test.read',
        actor:
          n % 2 === 0
            ? { humanId: ana.id, agentChain: n % 4 === 0 ? [agent.id, subAgentId] : [agent.id] }
            : { humanId: gin.id },
        intent: n % 2 === 0 ? 'analytics' : null,
        subject: { kind: n < 5 ? 'dataset' : 'grant', id: `s${n % 3}` },
        payload: { n },
        policyVersion: n,
      })),
    );
    await tx.$executeRaw`
      UPDATE "AuditEvent" SET "occurredAt" = timestamptz '2026-11-01T00:00:00Z' + ((payload->>'n')::int) * interval '1 day'
      WHERE type = 'test.read'`;
  });
});

describe('auditEvents for a governance lead', () => {
  it('shows each event whole: actor with the person and agents as known now, subject, payload', async () => {
    const answer = await read({ filter: { types: ['test.read'], humans: [ana.id] }, first: 1 });
    expect(answer.errors).toBeUndefined();
    const [edge] = answer.data!.auditEvents.edges;
    expect(edge!.cursor).toBe(edge!.node.id);
    expect(edge!.node).toEqual({
      id: expect.stringMatching(/^\d+$/),
      // The running service's sequencer may or may not have reached it yet.
      index: edge!.node.index === null ? null : expect.stringMatching(/^\d+$/),
      occurredAt: '2026-11-09T00:00:00.000Z',
      type: 'test.read',
      actor: {
        humanId: ana.id,
        human: ana,
        agentChain: [agent.id, subAgentId],
        agents: [
          { id: agent.id, clientId: agent.clientId, name: 'SQL agent' },
          { id: subAgentId, clientId: null, name: null },
        ],
      },
      intent: 'analytics',
      subject: { kind: 'grant', id: 's2' },
      policyVersion: 8,
      payload: { n: 8 },
      leafHash: edge!.node.index === null ? null : expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('lists newest first by insertion; events from the service itself are there too', async () => {
    expect(await marks({})).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const everything = await read({ first: 200 });
    const types = everything.data!.auditEvents.edges.map((edge) => edge.node.type);
    expect(types).toContain('token.exchanged');
    const ids = everything.data!.auditEvents.edges.map((edge) => BigInt(edge.node.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it('filters by human (id or email), agent (client id or id, anywhere in the chain), intent, subject, time', async () => {
    expect(await marks({ humans: [ana.id] })).toEqual([8, 6, 4, 2, 0]);
    expect(await marks({ humans: ['ANA@acme.test'] })).toEqual([8, 6, 4, 2, 0]);
    expect(await marks({ agents: [agent.clientId] })).toEqual([8, 6, 4, 2, 0]);
    expect(await marks({ agents: [subAgentId] })).toEqual([8, 4, 0]);
    expect(await marks({ intents: ['analytics'] })).toEqual([8, 6, 4, 2, 0]);
    expect(await marks({ subjects: [{ kind: 'grant', id: 's0' }] })).toEqual([9, 6]);
    expect(
      await marks({
        subjects: [
          { kind: 'dataset', id: 's1' },
          { kind: 'grant', id: 's1' },
        ],
      }),
    ).toEqual([7, 4, 1]);
    expect(await marks({ from: '2026-11-03T00:00:00Z', to: '2026-11-06T00:00:00Z' })).toEqual([4, 3, 2]);
    // Together: AND across fields.
    expect(
      await marks({
        humans: [ana.id],
        from: '2026-11-03T00:00:00Z',
        subjects: [{ kind: 'dataset', id: 's1' }],
      }),
    ).toEqual([4]);
  });

  it('reads an empty list as no filter, and a human or agent nobody knows as no events', async () => {
    expect(await marks({ humans: [], agents: [] })).toHaveLength(10);
    expect(await marks({ agents: ['no-such-client'] })).toEqual([]);
    expect(await marks({ humans: ['nobody@acme.test'] })).toEqual([]);
    expect(await marks({ types: ['test.none'] })).toEqual([]);
  });

  it('pages forwards with after and back with before; the pages put together are the whole list', async () => {
    const filter = { types: ['test.read'] };
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const answer = await read({ filter, first: 3, after });
      expect(answer.errors).toBeUndefined();
      const { edges, pageInfo } = answer.data!.auditEvents;
      seen.push(...edges.map((edge) => (edge.node.payload as { n: number }).n));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    const all = (await read({ filter, first: 10 })).data!.auditEvents.edges;
    const back = await read({ filter, last: 2, before: all[5]!.cursor });
    expect(back.data!.auditEvents.edges.map((edge) => (edge.node.payload as { n: number }).n)).toEqual([
      6, 5,
    ]);
    expect(back.data!.auditEvents.pageInfo.hasPreviousPage).toBe(true);
    const none = await read({ filter, first: 0 });
    expect(none.data!.auditEvents.edges).toEqual([]);
  });

  it.each([
    [{ first: 201 }, 'first'],
    [{ first: -1 }, 'first'],
    [{ first: 2, after: 'abc' }, 'after'],
    [{ first: 2, after: '-5' }, 'after'],
    [{ first: 2, after: '99999999999999999999' }, 'after'],
    [{ last: 2, before: 'T2Zmc2V0Q29ubmVjdGlvbjoy' }, 'before'],
    [{ filter: { from: '2026-11-05T00:00:00Z', to: '2026-11-05T00:00:00Z' } }, 'to'],
    [{ filter: { types: Array.from({ length: 101 }, (_, i) => `t${i}`) } }, 'types'],
    [{ filter: { intents: [''] } }, 'intents.0'],
  ])('refuses %j as INVALID_INPUT naming %s', async (variables, argument) => {
    const answer = await read(variables);
    expect(answer.data?.auditEvents ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions?.code).toBe('INVALID_INPUT');
    expect(answer.errors![0]!.message).toContain(`${argument}:`);
  });
});
