import type { PrismaClient } from '../../db/open-database.ts';
import { agentIdentitiesOf, type IdentityState } from '../state/identity-state.ts';
import { type AgentIdentity, requireHuman, type Viewer } from '../viewer.ts';

/** A delegation a person made to their first agent (a token with no parent), as they are shown it. */
export interface PersonDelegation {
  tokenId: string;
  humanId: string;
  /** The token's chain, outermost first (a person's own delegation: their first agent). */
  chain: AgentIdentity[];
  intent: string;
  taskId: string | null;
  issuedAt: Date;
  expiresAt: Date;
  /** Live tokens derived from it (its sub-agents', theirs, ...). */
  subDelegations: number;
  /** The agents acting below its agent now (the actors of those live tokens), each once, first delegated first. */
  subAgents: AgentIdentity[];
  /** It and every token ever derived from it, live or not: what was filed through it carries one of them. */
  tokenIds: string[];
  /** The tasks its live tokens act in (a sub-agent's token may name a task its parent did not). */
  liveTaskIds: string[];
}

/** The most delegations listed: the newest ones (a person with more revokes the older by id). */
export const maxListedDelegations = 100;

/**
 * The agents acting for this person now: the live (not revoked, not expired) delegation tokens
 * issued straight to one of their agents, newest first, at most `maxListedDelegations`. A person's
 * own act; agents are refused.
 */
export async function personDelegations(
  deps: { prisma: PrismaClient; state: IdentityState },
  viewer: Viewer,
): Promise<PersonDelegation[]> {
  const person = requireHuman(viewer, 'only a person lists the agents acting for them');
  const now = new Date();
  const roots = await deps.prisma.delegationToken.findMany({
    where: { humanId: person.human.id, parentJti: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: [{ issuedAt: 'desc' }, { jti: 'desc' }],
    take: maxListedDelegations,
  });
  if (roots.length === 0) return [];
  const [tree, snapshot] = await Promise.all([
    deps.prisma.$queryRaw<
      {
        root: string;
        jti: string;
        agentId: string;
        taskId: string | null;
        issuedAt: Date;
        live: boolean;
        derived: boolean;
      }[]
    >`
      WITH RECURSIVE tree AS (
        SELECT jti AS root, jti, "agentId", "taskId", "issuedAt", "revokedAt", "expiresAt", false AS derived
        FROM "DelegationToken" WHERE jti = ANY(${roots.map((root) => root.jti)}::text[])
        UNION ALL
        SELECT tree.root, child.jti, child."agentId", child."taskId", child."issuedAt", child."revokedAt",
          child."expiresAt", true
        FROM "DelegationToken" child JOIN tree ON child."parentJti" = tree.jti
      )
      SELECT root, jti, "agentId", "taskId", "issuedAt", derived,
        ("revokedAt" IS NULL AND "expiresAt" > ${now}) AS live
      FROM tree ORDER BY "issuedAt", jti`,
    deps.state.snapshot(),
  ]);
  return roots.map((root) => {
    const family = tree.filter((row) => row.root === root.jti);
    const liveDerived = family.filter((row) => row.derived && row.live);
    return {
      tokenId: root.jti,
      humanId: root.humanId,
      chain: agentIdentitiesOf(snapshot, root.chain),
      intent: root.intent,
      taskId: root.taskId,
      issuedAt: root.issuedAt,
      expiresAt: root.expiresAt,
      subDelegations: liveDerived.length,
      subAgents: agentIdentitiesOf(snapshot, [...new Set(liveDerived.map((row) => row.agentId))]),
      tokenIds: family.map((row) => row.jti),
      liveTaskIds: [
        ...new Set(family.flatMap((row) => (row.live && row.taskId !== null ? [row.taskId] : []))),
      ],
    };
  });
}
