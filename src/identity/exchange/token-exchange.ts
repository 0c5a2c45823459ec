import { decodeJwt } from 'jose';
import { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditEventInput, insertAuditEventsSql, recordAuditEvent } from '../../audit/index.ts';
import { shareLockDelegationTokenRow } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { Logger } from '../../logging/logger.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { VerifiedSecretCache } from '../agents/client-secret.ts';
import type { HumanTokenVerifier } from '../humans/human-token-verifier.ts';
import type { IdentityConfig } from '../identity-config.ts';
import type { AgentState, IdentitySnapshot, IdentityState } from '../state/identity-state.ts';
import { checkDelegationState, type DelegationProblemKind } from '../tokens/check-delegation-state.ts';
import { chainFromAct } from '../tokens/delegation-claims.ts';
import type { DelegationTokens } from '../tokens/delegation-tokens.ts';
import { jwtTokenType } from '../tokens/token-types.ts';
import { authenticateClient } from './client-authentication.ts';
import { OAuthError, type OAuthErrorCode } from './oauth-error.ts';
import type {
  ClientCredentials,
  TokenExchangeRequest,
  TokenExchangeResponse,
} from './token-exchange-request.ts';

export interface TokenExchangeDeps {
  prisma: PrismaClient;
  config: IdentityConfig;
  state: IdentityState;
  delegationTokens: DelegationTokens;
  humans: HumanTokenVerifier;
  verifiedSecrets: VerifiedSecretCache;
  logger: Logger;
}

/** What the subject token proved: the human, the chain so far and its limits. */
interface Subject {
  humanId: string;
  parentChain: string[];
  parentJti: string | null;
  /** The intent the subject token carries (delegation tokens); a sub-agent may not change it. */
  inheritedIntent: string | null;
  /** The task the parent's token is bound to; a sub-agent stays on it. */
  inheritedTaskId: string | null;
  expiresAt: Date;
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

/**
 * RFC 8693 token exchange: an agent, authenticated as itself, trades a human's identity token (or,
 * for a sub-agent, its parent's delegation token) for a short-lived delegation token naming the
 * human, the whole agent chain and the intent. Every exchange, granted or refused, is audited.
 */
export class TokenExchange {
  constructor(private readonly deps: TokenExchangeDeps) {}

  /**
   * `resources`: the RFC 8707 resource indicators this server answers for (its MCP endpoint's
   * URL); a token asked for one of them is issued for it alone (its `aud`).
   */
  async exchange(
    request: TokenExchangeRequest,
    client: ClientCredentials | undefined,
    resources: readonly string[] = [],
  ): Promise<TokenExchangeResponse> {
    let agent: AgentState | undefined;
    try {
      const snapshot = await this.deps.state.snapshot();
      agent = await authenticateClient(snapshot, this.deps.verifiedSecrets, client);
      return await this.exchangeFor(agent, snapshot, request, resources);
    } catch (error) {
      const refusal = error instanceof OAuthError ? error : undefined;
      if (!refusal) throw error;
      await this.auditRefusal(refusal, agent, client).catch((auditError: unknown) =>
        this.deps.logger.error({ err: auditError }, 'could not audit a refused token exchange'),
      );
      throw refusal;
    }
  }

  private async exchangeFor(
    agent: AgentState,
    snapshot: IdentitySnapshot,
    request: TokenExchangeRequest,
    resources: readonly string[],
  ) {
    const { config } = this.deps;
    if (agent.status !== 'ACTIVE')
      throw new OAuthError('unauthorized_client', `agent ${agent.name} is ${agent.status.toLowerCase()}`);
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

    const subject = await this.subject(request.subject_token, agent, snapshot, resources);
    const intent = request.intent ?? subject.inheritedIntent;
    if (!intent) throw new OAuthError('invalid_request', 'intent is required');
    if (subject.inheritedIntent && intent !== subject.inheritedIntent) {
      throw new OAuthError(
        'invalid_grant',
        `a sub-agent inherits the intent ${subject.inheritedIntent} and cannot change it`,
      );
    }
    const chain = [...subject.parentChain, agent.id];
    const { agents, problem } = checkDelegationState(snapshot, chain, intent, config.maxDelegationDepth);
    if (problem) throw new OAuthError(problemCodes[problem.kind], problem.message);

    const intentState = snapshot.intents.get(intent)!;
    const now = Date.now();
    const expiresAt = new Date(
      Math.min(
        now + config.tokenTtlSeconds * 1000,
        now + intentState.maxTokenLifetimeSeconds * 1000,
        subject.expiresAt.getTime(),
      ),
    );
    if (expiresAt.getTime() - now < minimumLifetimeMs)
      throw new OAuthError('invalid_grant', 'the subject token expires too soon');

    if (subject.inheritedTaskId && request.task_id && request.task_id !== subject.inheritedTaskId) {
      throw new OAuthError(
        'invalid_grant',
        `a sub-agent stays on its parent's task ${subject.inheritedTaskId}`,
      );
    }
    const taskId = request.task_id ?? subject.inheritedTaskId;
    const signed = await this.deps.delegationTokens.sign({
      humanId: subject.humanId,
      chain: agents,
      intent,
      taskId,
      expiresAt,
      resource,
    });
    const audit: AuditEventInput = {
      type: 'token.exchanged',
      actor: { humanId: subject.humanId, agentChain: chain },
      intent,
      subject: { kind: 'delegation-token', id: signed.jti },
      payload: {
        clientId: agent.clientId,
        taskId,
        expiresAt: expiresAt.toISOString(),
        parentTokenId: subject.parentJti,
        ...(resource ? { resource } : {}),
      },
    };
    const parentJti = subject.parentJti;
    if (parentJti) {
      await this.deps.prisma.$transaction(async (tx) => {
        // Lock the parent token while its child is recorded: a revocation either sees the child
        // (and revokes it too) or happens first (and the child is refused here).
        const parent = await shareLockDelegationTokenRow(tx, parentJti);
        if (!parent || parent.revokedAt) throw new OAuthError('invalid_grant', 'subject_token was revoked');
        await tx.$executeRaw(
          insertTokenSql(
            signed,
            agent.id,
            subject.humanId,
            parentJti,
            chain,
            intent,
            taskId,
            expiresAt,
            audit,
          ),
        );
      });
    } else {
      // A token for a human has no parent to lock: the token and its audit event in one statement
      // (atomic on its own), not an interactive transaction of four round trips.
      await this.deps.prisma.$executeRaw(
        insertTokenSql(signed, agent.id, subject.humanId, null, chain, intent, taskId, expiresAt, audit),
      );
    }
    return {
      access_token: signed.token,
      issued_token_type: jwtTokenType,
      token_type: 'Bearer' as const,
      expires_in: Math.floor((expiresAt.getTime() - now) / 1000),
    };
  }

  /** Verifies the subject token: the human's identity token, or the parent's delegation token. */
  private async subject(
    token: string,
    agent: AgentState,
    snapshot: IdentitySnapshot,
    resources: readonly string[],
  ): Promise<Subject> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new OAuthError('invalid_grant', 'subject_token is not a JWT');
    }
    if (this.deps.delegationTokens.isOurs(issuer))
      return this.parentDelegation(token, agent, snapshot, resources);
    if (agent.parentId)
      throw new OAuthError(
        'invalid_grant',
        `agent ${agent.name} is a sub-agent: exchange your parent's delegation token`,
      );
    const verified = await this.deps.humans.verify(token, 'exchange').catch((error: unknown) => {
      throw new OAuthError(
        'invalid_grant',
        error instanceof ApertureError ? error.message : 'subject_token is not valid',
      );
    });
    const person = await this.deps.state.person(verified.person);
    if (!person?.active) throw new OAuthError('invalid_grant', 'subject_token names no active person');
    return {
      humanId: person.id,
      parentChain: [],
      parentJti: null,
      inheritedIntent: null,
      inheritedTaskId: null,
      expiresAt: verified.expiresAt,
    };
  }

  private async parentDelegation(
    token: string,
    agent: AgentState,
    snapshot: IdentitySnapshot,
    resources: readonly string[],
  ): Promise<Subject> {
    // A parent's token for the API or for one of this server's resources (the MCP endpoint).
    const audiences = [this.deps.config.audience, ...resources];
    const claims = await this.deps.delegationTokens.verify(token, audiences).catch((error: unknown) => {
      throw new OAuthError(
        'invalid_grant',
        error instanceof ApertureError ? error.message : 'subject_token is not valid',
      );
    });
    if (snapshot.revokedTokenIds.has(claims.jti))
      throw new OAuthError('invalid_grant', 'subject_token was revoked');
    const parentChain = chainFromAct(claims.act);
    if (!agent.parentId) {
      // A top-level agent acts for the human directly: re-exchanging a delegation token (its own
      // or another agent's) would only stack agents on a chain that is not theirs.
      throw new OAuthError(
        'invalid_grant',
        `subject_token is a delegation token, and agent ${agent.name} is not a sub-agent: exchange the token the human issued for agents`,
      );
    }
    if (agent.parentId !== parentChain.at(-1)) {
      throw new OAuthError(
        'invalid_grant',
        `subject_token was not issued to the parent of agent ${agent.name}`,
      );
    }
    const person = await this.deps.state.person({ id: claims.sub });
    if (!person?.active) throw new OAuthError('invalid_grant', 'subject_token names no active person');
    return {
      humanId: claims.sub,
      parentChain,
      parentJti: claims.jti,
      inheritedIntent: claims.intent,
      inheritedTaskId: claims.task_id ?? null,
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  private async auditRefusal(
    refusal: OAuthError,
    agent: AgentState | undefined,
    client: ClientCredentials | undefined,
  ) {
    await recordAuditEvent(this.deps.prisma, {
      type: 'token.refused',
      actor: agent ? { agentChain: [agent.id] } : {},
      payload: {
        error: refusal.code,
        reason: refusal.description,
        // What the caller claimed to be, only when it proved it (no secrets, no tokens).
        clientId: agent?.clientId ?? null,
        claimedClientId: agent ? null : (client?.clientId.slice(0, 100) ?? null),
      },
    });
  }
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
