import DataLoader from 'dataloader';
import type { Agent } from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';

/**
 * What the agents directory shows beside each agent (sub-agents, last use, live tokens), read for a
 * whole page of agents in one query per figure. Batching only: every read is fresh.
 */
export class AgentUsage {
  constructor(private readonly prisma: PrismaClient) {}

  /** Its sub-agents, by name. */
  children(agentId: string): Promise<Agent[]> {
    return this.childLoader.load(agentId);
  }

  /** When a delegation token was last issued to it; null: never. */
  lastUsedAt(agentId: string): Promise<Date | null> {
    return this.tokenLoader.load(agentId).then((usage) => usage.lastIssuedAt);
  }

  /** Its delegation tokens neither revoked nor expired. */
  liveTokens(agentId: string): Promise<number> {
    return this.tokenLoader.load(agentId).then((usage) => usage.live);
  }

  /** How enterprise identity providers name it, by issuer then subject. */
  externalIdentities(agentId: string): Promise<{ issuer: string; subject: string }[]> {
    return this.externalIdentityLoader.load(agentId);
  }

  private readonly externalIdentityLoader = new DataLoader<string, { issuer: string; subject: string }[]>(
    async (agentIds) => {
      const rows = await this.prisma.agentExternalIdentity.findMany({
        where: { agentId: { in: [...agentIds] } },
        orderBy: [{ issuer: 'asc' }, { subject: 'asc' }],
        select: { agentId: true, issuer: true, subject: true },
      });
      return agentIds.map((id) =>
        rows.filter((row) => row.agentId === id).map(({ issuer, subject }) => ({ issuer, subject })),
      );
    },
    { cache: false },
  );

  private readonly childLoader = new DataLoader<string, Agent[]>(
    async (parentIds) => {
      const children = await this.prisma.agent.findMany({
        where: { parentId: { in: [...parentIds] } },
        orderBy: { name: 'asc' },
      });
      return parentIds.map((id) => children.filter((child) => child.parentId === id));
    },
    { cache: false },
  );

  private readonly tokenLoader = new DataLoader<string, { lastIssuedAt: Date | null; live: number }>(
    async (agentIds) => {
      const rows = await this.prisma.$queryRaw<
        { agentId: string; lastIssuedAt: Date | null; live: number }[]
      >`
        SELECT "agentId"::text AS "agentId", max("issuedAt") AS "lastIssuedAt",
               count(*) FILTER (WHERE "revokedAt" IS NULL AND "expiresAt" > now())::int AS live
        FROM "DelegationToken" WHERE "agentId" = ANY(${[...agentIds]}::uuid[])
        GROUP BY "agentId"`;
      const byId = new Map(rows.map((row) => [row.agentId, row]));
      return agentIds.map((id) => {
        const row = byId.get(id);
        return { lastIssuedAt: row?.lastIssuedAt ?? null, live: row?.live ?? 0 };
      });
    },
    { cache: false },
  );
}
