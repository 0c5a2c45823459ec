import { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditEventInput, insertAuditEventsSql, recordAuditEvent } from '../../audit/index.ts';
import { shareLockDelegationTokenRow } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { IdentityConfig } from '../identity-config.ts';
import type { AgentState, IdentitySnapshot } from '../state/identity-state.ts';
import { checkDelegationState, type DelegationProblemKind } from '../tokens/check-delegation-state.ts';
import type { DelegationTokens } from '../tokens/delegation-tokens.ts';
import { jwtTokenType } from '../tokens/token-types.ts';
import { OAuthError, type OAuthErrorCode } from './oauth-error.ts';
import type { ClientCredentials, TokenExchangeResponse } from './token-exchange-request.ts';

export interface IssueDeps {
  prisma: PrismaClient;
  config: IdentityConfig;
  delegationTokens: DelegationTokens;
}

/** What a grant proved, and what the client asked for: everything a delegation token is made of. */
export interface DelegationGrant {
  /** The authenticated client, last of `chain`. */
  agent: AgentState;
  humanId: string;
  /** Agent ids from the one acting for the human directly to the client. */
  chain: string[];
  parentJti: string | null;
  /** The intent the grant carries (a parent's delegation token); the client may not change it. */
  inheritedIntent: string | null;
  inheritedTaskId: string | null;
  /** What the grant is called in messages: `the subject token`, `the ID-JAG`. */
  grantName: string;
  /** The grant's own expiry: the delegation token never outlives it. */
  expiresAt: Date;
  intent: string | undefined;
  taskId: string | undefined;
  resource: string | undefined;
  /** Extra audit payload fields (which grant, which issuer). */
  auditPayload?: Record<string, unknown>;
  /**
   * Runs in the transaction that records the token, before it: an ID-JAG's `jti` is marked used
   * there, so that a replay and the first use cannot both get a token.
   */
  beforeInsert?: (tx: Prisma.TransactionClient) => Promise<void>;
}

const problemCodes: Record<DelegationProblemKind, OAuthErrorCode> = {
  unknown_agent: 'invalid_grant',
  inactive_agent: 'invalid_grant',
  not_a_child: 'invalid_grant',
  too_deep: 'unauthorized_client',
  intent_not_allowed: 'unauthorized_client',
  unknown_intent: 'invalid_request',
};

/** Tokens shorter-lived than this are not worth issuing. */
const minimumLifetimeMs = 5_000;

/** The RFC 8707 resource a token is asked for, if any; refuses targets this server does not answer for. */
export function requestedResource(
  config: IdentityConfig,
  request: { audience?: string | undefined; resource?: string | undefined },
  resources: readonly string[],
): string | undefined {
  if (request.audience !== undefined && request.audience !== config.audience) {
    throw new OAuthError('invalid_target', `tokens can only be issued for audience ${config.audience}`);
  }
  const resource = request.resource?.replace(/\/$/, '');
  if (resource !== undefined && !resources.includes(resource)) {
    throw new OAuthError(
      'invalid_target',
      resources.length > 0
        ? `tokens can be issued for the API (audience ${config.audience}) or for the resource ${resources.join(', ')}`
        : `tokens can only be issued for audience ${config.audience}`,
    );
  }
  return resource;
}

/**
 * Issues a delegation token for a grant: checks the chain against the current state (parent→child,
 * active, depth, intent), caps its lifetime (server, intent, grant), signs it, and records it with
 * its `token.exchanged` audit event. Shared by token exchange and the ID-JAG grant.
 */
export async function issueDelegation(
  deps: IssueDeps,
  snapshot: IdentitySnapshot,
  grant: DelegationGrant,
): Promise<TokenExchangeResponse> {
  const { config } = deps;
  const intent = grant.intent ?? grant.inheritedIntent;
  if (!intent) throw new OAuthError('invalid_request', 'intent is required');
  if (grant.inheritedIntent && intent !== grant.inheritedIntent) {
    throw new OAuthError(
      'invalid_grant',
      `a sub-agent inherits the intent ${grant.inheritedIntent} and cannot change it`,
    );
  }
  const { chain } = grant;
  const { agents, problem } = checkDelegationState(snapshot, chain, intent, config.maxDelegationDepth);
  if (problem) throw new OAuthError(problemCodes[problem.kind], problem.message);

  const intentState = snapshot.intents.get(intent)!;
  const now = Date.now();
  const expiresAt = new Date(
    Math.min(
      now + config.tokenTtlSeconds * 1000,
      now + intentState.maxTokenLifetimeSeconds * 1000,
      grant.expiresAt.getTime(),
    ),
  );
  if (expiresAt.getTime() - now < minimumLifetimeMs)
    throw new OAuthError('invalid_grant', `${grant.grantName} expires too soon`);

  if (grant.inheritedTaskId && grant.taskId && grant.taskId !== grant.inheritedTaskId) {
    throw new OAuthError('invalid_grant', `a sub-agent stays on its parent's task ${grant.inheritedTaskId}`);
  }
  const taskId = grant.taskId ?? grant.inheritedTaskId;
  const { agent, humanId, resource, parentJti } = grant;
  const signed = await deps.delegationTokens.sign({
    humanId,
    chain: agents,
    intent,
    taskId,
    expiresAt,
    resource,
  });
  const audit: AuditEventInput = {
    type: 'token.exchanged',
    actor: { humanId, agentChain: chain },
    intent,
    subject: { kind: 'delegation-token', id: signed.jti },
    payload: {
      clientId: agent.clientId,
      taskId,
      expiresAt: expiresAt.toISOString(),
      parentTokenId: parentJti,
      ...(resource ? { resource } : {}),
      ...grant.auditPayload,
    },
  };
  const insert = insertTokenSql(
    signed,
    agent.id,
    humanId,
    parentJti,
    chain,
    intent,
    taskId,
    expiresAt,
    audit,
  );
  if (parentJti || grant.beforeInsert) {
    await deps.prisma.$transaction(async (tx) => {
      if (parentJti) {
        // Lock the parent token while its child is recorded: a revocation either sees the child
        // (and revokes it too) or happens first (and the child is refused here).
        const parent = await shareLockDelegationTokenRow(tx, parentJti);
        if (!parent || parent.revokedAt) throw new OAuthError('invalid_grant', 'subject_token was revoked');
      }
      await grant.beforeInsert?.(tx);
      await tx.$executeRaw(insert);
    });
  } else {
    // A token for a human has no parent to lock: the token and its audit event in one statement
    // (atomic on its own), not an interactive transaction of four round trips.
    await deps.prisma.$executeRaw(insert);
  }
  return {
    access_token: signed.token,
    issued_token_type: jwtTokenType,
    token_type: 'Bearer' as const,
    expires_in: Math.floor((expiresAt.getTime() - now) / 1000),
  };
}

/** Audits a refused token request (`token.refused`): never a secret nor a token. */
export async function auditRefusal(
  prisma: PrismaClient,
  refusal: OAuthError,
  agent: AgentState | undefined,
  client: ClientCredentials | undefined,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await recordAuditEvent(prisma, {
    type: 'token.refused',
    actor: agent ? { agentChain: [agent.id] } : {},
    payload: {
      error: refusal.code,
      reason: refusal.description,
      // What the caller claimed to be, only when it proved it (no secrets, no tokens).
      clientId: agent?.clientId ?? null,
      claimedClientId: agent ? null : (client?.clientId.slice(0, 100) ?? null),
      ...extra,
    },
  });
}

/** The delegation token's row and its audit event, written by one statement. */
function insertTokenSql(
  signed: { jti: string; issuedAt: Date },
  agentId: string,
  humanId: string,
  parentJti: string | null,
  chain: string[],
  intent: string,
  taskId: string | null,
  expiresAt: Date,
  audit: AuditEventInput,
): Prisma.Sql {
  return Prisma.sql`
    WITH token AS (
      INSERT INTO "DelegationToken" (jti, "agentId", "humanId", "parentJti", chain, intent, "taskId", "issuedAt", "expiresAt")
      VALUES (${signed.jti}, ${agentId}::uuid, ${humanId}::uuid, ${parentJti}, ${chain}::text[], ${intent}, ${taskId},
              ${signed.issuedAt}, ${expiresAt})
    )
    ${insertAuditEventsSql([audit])}`;
}
