import { decodeJwt } from 'jose';
import type { PrismaClient } from '../../db/open-database.ts';
import type { Logger } from '../../logging/logger.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { VerifiedSecretCache } from '../agents/client-secret.ts';
import type { HumanTokenVerifier } from '../humans/human-token-verifier.ts';
import type { IdentityConfig } from '../identity-config.ts';
import type { AgentState, IdentitySnapshot, IdentityState } from '../state/identity-state.ts';
import { chainFromAct } from '../tokens/delegation-claims.ts';
import type { DelegationTokens } from '../tokens/delegation-tokens.ts';
import { authenticateClient } from './client-authentication.ts';
import { enterpriseChain } from './enterprise-chain.ts';
import { IdJagGrant } from './id-jag-grant.ts';
import { auditRefusal, issueDelegation, requestedResource } from './issue-delegation.ts';
import { OAuthError } from './oauth-error.ts';
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

/** What the subject token proved: the human, the chain (ending with the client) and its limits. */
interface Subject {
  humanId: string;
  chain: string[];
  /** The enterprise provider whose actor claims named the chain; null when none did. */
  enterpriseIssuer: string | null;
  parentJti: string | null;
  /** The intent the subject token carries (delegation tokens); a sub-agent may not change it. */
  inheritedIntent: string | null;
  /** The task the parent's token is bound to; a sub-agent stays on it. */
  inheritedTaskId: string | null;
  expiresAt: Date;
}

/**
 * RFC 8693 token exchange: an agent, authenticated as itself, trades a human's identity token (or,
 * for a sub-agent, its parent's delegation token) for a short-lived delegation token naming the
 * human, the whole agent chain and the intent. Every exchange, granted or refused, is audited.
 */
export class TokenExchange {
  /** The other grant /oauth/token serves: an ID-JAG from an enterprise identity provider. */
  readonly idJag: IdJagGrant;

  constructor(private readonly deps: TokenExchangeDeps) {
    this.idJag = new IdJagGrant(deps);
  }

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
      await auditRefusal(this.deps.prisma, refusal, agent, client).catch((auditError: unknown) =>
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
    if (agent.status !== 'ACTIVE')
      throw new OAuthError('unauthorized_client', `agent ${agent.name} is ${agent.status.toLowerCase()}`);
    const resource = requestedResource(this.deps.config, request, resources);
    const subject = await this.subject(request.subject_token, agent, snapshot, resources);
    return issueDelegation(this.deps, snapshot, {
      agent,
      humanId: subject.humanId,
      chain: subject.chain,
      parentJti: subject.parentJti,
      inheritedIntent: subject.inheritedIntent,
      inheritedTaskId: subject.inheritedTaskId,
      expiresAt: subject.expiresAt,
      grantName: 'the subject token',
      intent: request.intent,
      taskId: request.task_id,
      resource,
      ...(subject.enterpriseIssuer ? { auditPayload: { actorClaimsIssuer: subject.enterpriseIssuer } } : {}),
    });
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
    const verified = await this.deps.humans.verify(token, 'exchange').catch((error: unknown) => {
      throw new OAuthError(
        'invalid_grant',
        error instanceof ApertureError ? error.message : 'subject_token is not valid',
      );
    });
    // An enterprise provider's token may name the agents acting for the person (actor claims).
    const named = enterpriseChain(snapshot, this.deps.config.maxDelegationDepth, verified, agent);
    if (!named && agent.parentId)
      throw new OAuthError(
        'invalid_grant',
        `agent ${agent.name} is a sub-agent: exchange your parent's delegation token`,
      );
    const person = await this.deps.state.person(verified.person);
    if (!person?.active) throw new OAuthError('invalid_grant', 'subject_token names no active person');
    return {
      humanId: person.id,
      chain: named ?? [agent.id],
      parentJti: null,
      inheritedIntent: null,
      inheritedTaskId: null,
      expiresAt: verified.expiresAt,
      enterpriseIssuer: named ? verified.issuer : null,
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
      chain: [...parentChain, agent.id],
      parentJti: claims.jti,
      inheritedIntent: claims.intent,
      inheritedTaskId: claims.task_id ?? null,
      expiresAt: new Date(claims.exp * 1000),
      enterpriseIssuer: null,
    };
  }
}
