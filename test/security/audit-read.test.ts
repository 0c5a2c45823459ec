import { beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/index.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';

/**
 * Attacks on reading the audit log: only a governance lead's own human token reads it; everyone
 * else is refused before the filter is even looked at (so a refusal says nothing about what the
 * filter would have found), and filter values are data, never patterns or SQL.
 */

const t = useRequestWorld();

const query = `query ($filter: AuditEventFilter, $first: Int) {
  auditEvents(filter: $filter, first: $first) { edges { node { id type payload } } }
}`;

type Caller = 'nobody' | 'an agent acting for a governance lead' | 'a human outside governance';
const tokens = new Map<Caller, string | undefined>();
let gina: string;
const secret = 'the secret payload of an audit event';

beforeAll(async () => {
  gina = await t.world.humanToken('gina@acme.test');
  tokens.set('nobody', undefined);
  tokens.set('an agent acting for a governance lead', await t.world.agentToken('gina@acme.test'));
  tokens.set('a human outside governance', await t.world.humanToken('ana@acme.test'));
  const ana = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
  await t.db.prisma.$transaction((tx) =>
    appendAuditEvents(tx, [
      {
        type: 'test.secret',
        actor: { humanId: ana.id },
        subject: { kind: 'dataset', id: 'x' },
        payload: { secret },
      },
    ]),
  );
});

describe.each([
  ['nobody', 'UNAUTHENTICATED'],
  ['an agent acting for a governance lead', 'FORBIDDEN'],
  ['a human outside governance', 'FORBIDDEN'],
] as const)('%s', (caller, code) => {
  it.each([
    ['no filter', {}],
    ['a filter for their own events', { filter: { humans: ['ana@acme.test', 'gina@acme.test'] } }],
    ['an invalid filter (no validation oracle)', { filter: { types: [''] }, first: 500 }],
  ])(`reading the log with %s: ${code}, nothing shown`, async (_name, variables) => {
    const answer = await t.world.gql(tokens.get(caller)!, query, variables);
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions?.code).toBe(code);
    expect(JSON.stringify(answer)).not.toContain(secret);
  });
});

describe('filter values are data', () => {
  const found = async (filter: Record<string, unknown>) => {
    const answer = await t.world.gql<{ auditEvents: { edges: { node: { type: string } }[] } }>(gina, query, {
      filter: { types: ['test.secret'], ...filter },
      first: 200,
    });
    expect(answer.errors).toBeUndefined();
    return answer.data!.auditEvents.edges.length;
  };

  it('a governance lead finds the event by its values', async () => {
    expect(await found({ humans: ['ana@acme.test'], subjects: [{ kind: 'dataset', id: 'x' }] })).toBe(1);
  });

  it.each([
    ['a LIKE pattern for an email', { humans: ['%@acme.test'] }],
    ['a LIKE pattern for a person id', { humans: ['%'] }],
    ['an SQL fragment as a subject', { subjects: [{ kind: 'dataset', id: "x' OR '1'='1" }] }],
    ['an SQL fragment as an agent', { agents: ["' OR 1=1 --"] }],
    ['a JSON path as an agent', { agents: ['$[*]'] }],
  ])('%s matches nothing', async (_name, filter) => {
    expect(await found(filter)).toBe(0);
  });
});
