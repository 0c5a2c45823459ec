import type { PrismaClient } from '../../db/open-database.ts';
import {
  type DecidedRequest,
  type DecidedRequestRow,
  decidedRequestColumns,
  humanDecisionFilter,
  parseDecidedRequest,
} from './decided-request.ts';
import type { DecisionLookups } from './decisions-from-requests.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One page of human decisions, oldest first, with the agents and people they refer to. */
export interface DecidedRequestBatch {
  requests: DecidedRequest[];
  /** Rows read, including those skipped (unreadable snapshots). */
  rows: number;
  lookups: DecisionLookups;
}

/** How many requests people decided: the total of a progress bar. */
export function countHumanDecisions(prisma: PrismaClient): Promise<number> {
  return prisma.accessRequest.count({ where: humanDecisionFilter });
}

/**
 * Reads the requests people approved or denied in decision order, `batchSize` at a time (keyset
 * pagination on decidedAt and id), so that a history of any size is never held in memory as rows.
 * Agent client ids and people are looked up once each, for the whole read.
 */
export async function* decidedRequestBatches(
  prisma: PrismaClient,
  batchSize = 2_000,
): AsyncGenerator<DecidedRequestBatch> {
  const clientIds = new Map<string, string>();
  const people = new Map<string, { email: string; department: string | null }>();
  const lookups: DecisionLookups = {
    agentClientId: (id) => clientIds.get(id),
    person: (id) => people.get(id),
  };
  const page = (after?: { decidedAt: Date; id: string }) =>
    prisma.accessRequest.findMany({
      where: {
        ...humanDecisionFilter,
        ...(after
          ? {
              OR: [
                { decidedAt: { gt: after.decidedAt } },
                { decidedAt: after.decidedAt, id: { gt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
      take: batchSize,
      select: decidedRequestColumns,
    });
  let next: Promise<DecidedRequestRow[]> = page();
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    // The next page is read while this one is decoded and used.
    next = rows.length < batchSize ? Promise.resolve([]) : page({ decidedAt: last.decidedAt!, id: last.id });
    // Prisma queries start when first awaited: this starts it now, and keeps a failure from being
    // unhandled until it is awaited on the next turn (or never, if the reader stops early).
    next.catch(() => {});
    const requests = rows.flatMap((row) => parseDecidedRequest(row) ?? []);
    const agentIds = [...new Set(requests.map((request) => request.agentId))].filter(
      (id) => !clientIds.has(id),
    );
    const personIds = [...new Set(requests.map((request) => request.deciderId))].filter(
      (id) => !people.has(id) && uuidPattern.test(id),
    );
    const [agents, persons] = await Promise.all([
      agentIds.length > 0
        ? prisma.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, clientId: true } })
        : [],
      personIds.length > 0
        ? prisma.person.findMany({
            where: { id: { in: personIds } },
            select: { id: true, email: true, department: true },
          })
        : [],
    ]);
    for (const agent of agents) clientIds.set(agent.id, agent.clientId);
    for (const person of persons)
      people.set(person.id, { email: person.email, department: person.department });
    yield { requests, rows: rows.length, lookups };
  }
}
