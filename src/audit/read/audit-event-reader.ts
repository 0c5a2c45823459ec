import type { Prisma } from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import { type AuditEventRecord, toAuditEventRecord } from './audit-event-record.ts';

/** A page of the log, newest first, as the shared paging rule asks for it (see graphql/types/pagination.ts). */
export interface AuditEventPage {
  /** Cursors from a previous page: event ids. */
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  /** Paging backwards: the events after `before` (newer), closest first. */
  inverted: boolean;
}

export interface AuditPerson {
  id: string;
  email: string;
  name: string;
}

export interface AuditAgent {
  id: string;
  /** Null when no agent with this id is known any more. */
  clientId: string | null;
  name: string | null;
}

/** An event with the people and agents it names, as they are known now. */
export interface AuditEventView extends AuditEventRecord {
  human: AuditPerson | null;
  agents: AuditAgent[];
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An event id: what this reader hands out as a cursor. */
const idCursorPattern = /^(0|[1-9]\d{0,18})$/;
const maxEventId = 2n ** 63n - 1n;

function cursorId(given: string | undefined, argument: 'after' | 'before'): bigint | undefined {
  if (given === undefined) return undefined;
  if (idCursorPattern.test(given)) {
    const id = BigInt(given);
    if (id <= maxEventId) return id;
  }
  throw new InvalidInputError('paging', [
    { location: argument, message: 'must be a cursor from a previous page' },
  ]);
}

/**
 * Reads the audit log for governance: filtered, newest first by insertion id, which is stable and
 * covers events the sequencer has not reached yet. The id is the cursor. No count: counting a
 * filtered log of millions of events on every page is the one thing a reader must not do.
 */
export class AuditEventReader {
  constructor(private readonly prisma: PrismaClient) {}

  async page(filter: AuditEventFilter, page: AuditEventPage): Promise<AuditEventView[]> {
    const after = cursorId(page.after, 'after');
    const before = cursorId(page.before, 'before');
    const where = await this.where(filter);
    if (!where || page.limit === 0) return [];
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        AND: [
          where,
          ...(after === undefined ? [] : [{ id: { lt: after } }]),
          ...(before === undefined ? [] : [{ id: { gt: before } }]),
        ],
      },
      orderBy: { id: page.inverted ? 'asc' : 'desc' },
      take: page.limit,
    });
    return this.withNames(rows.map(toAuditEventRecord));
  }

  /**
   * The filter as a query, or null when it cannot match (a human or agent named that does not
   * exist). Humans may be named by email, agents by client id: the log stores their ids.
   */
  private async where(filter: AuditEventFilter): Promise<Prisma.AuditEventWhereInput | null> {
    const conditions: Prisma.AuditEventWhereInput[] = [];
    if (filter.humans) {
      const ids = await this.humanIds(filter.humans);
      if (ids.length === 0) return null;
      conditions.push({ actorHumanId: { in: ids } });
    }
    if (filter.agents) {
      const ids = await this.agentIds(filter.agents);
      if (ids.length === 0) return null;
      // jsonb containment (@>): the GIN index on actorChain answers it.
      conditions.push({ OR: ids.map((id) => ({ actorChain: { array_contains: [id] } })) });
    }
    if (filter.intents) conditions.push({ intent: { in: filter.intents } });
    if (filter.types) conditions.push({ type: { in: filter.types } });
    if (filter.subjects) {
      conditions.push({ OR: filter.subjects.map(({ kind, id }) => ({ subjectKind: kind, subjectId: id })) });
    }
    if (filter.from) conditions.push({ occurredAt: { gte: filter.from } });
    if (filter.to) conditions.push({ occurredAt: { lt: filter.to } });
    return { AND: conditions };
  }

  private async humanIds(named: string[]): Promise<string[]> {
    const emails = named.filter((value) => value.includes('@'));
    const ids = named.filter((value) => !value.includes('@'));
    if (emails.length === 0) return ids;
    const people = await this.prisma.person.findMany({
      where: { email: { in: emails, mode: 'insensitive' } },
      select: { id: true },
    });
    return [...new Set([...ids, ...people.map((person) => person.id)])];
  }

  private async agentIds(named: string[]): Promise<string[]> {
    const agents = await this.prisma.agent.findMany({
      where: { clientId: { in: named } },
      select: { id: true },
    });
    // An id is kept even when no agent has it now: the log outlives the agent table's rows.
    const ids = named.filter((value) => uuidPattern.test(value)).map((value) => value.toLowerCase());
    return [...new Set([...ids, ...agents.map((agent) => agent.id)])];
  }

  /** The people and agents a page names: two queries per page, never one per event. */
  private async withNames(records: AuditEventRecord[]): Promise<AuditEventView[]> {
    const humanIds = [
      ...new Set(
        records.flatMap((record) =>
          record.actorHumanId && uuidPattern.test(record.actorHumanId) ? [record.actorHumanId] : [],
        ),
      ),
    ];
    const agentIds = [
      ...new Set(records.flatMap((record) => record.actorChain.filter((id) => uuidPattern.test(id)))),
    ];
    const [people, agents] = await Promise.all([
      humanIds.length === 0
        ? []
        : this.prisma.person.findMany({
            where: { id: { in: humanIds } },
            select: { id: true, email: true, name: true },
          }),
      agentIds.length === 0
        ? []
        : this.prisma.agent.findMany({
            where: { id: { in: agentIds } },
            select: { id: true, clientId: true, name: true },
          }),
    ]);
    const personById = new Map(people.map((person) => [person.id, person]));
    const agentById = new Map(agents.map((agent) => [agent.id, agent]));
    return records.map((record) => ({
      ...record,
      human: (record.actorHumanId && personById.get(record.actorHumanId)) || null,
      agents: record.actorChain.map((id) => agentById.get(id) ?? { id, clientId: null, name: null }),
    }));
  }
}
