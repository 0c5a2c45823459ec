import { Prisma } from '../../../generated/prisma/client.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { AgentState } from '../state/identity-state.ts';
import { authenticateClient } from './client-authentication.ts';
import { enterpriseChain } from './enterprise-chain.ts';
import type { IdJagRequest } from './id-jag-request.ts';
import { auditRefusal, issueDelegation, requestedResource } from './issue-delegation.ts';
import { OAuthError } from './oauth-error.ts';
import type { TokenExchangeDeps } from './token-exchange.ts';
import type { ClientCredentials, TokenExchangeResponse } from './token-exchange-request.ts';

/** Used assertion ids are kept this long past their expiry, for replicas whose clocks run behind. */
const keepUsedForMinutes = 10;

/**
 * The ID-JAG grant ("Cross App Access", draft-ietf-oauth-identity-assertion-authz-grant): an
 * agent, authenticated with its own client credentials, presents an identity assertion its
 * enterprise identity provider issued for it (`client_id`) and for aperture (`aud`), and gets
 * aperture's ordinary delegation token for the person it names, through the agents its actor
 * claims name. Each assertion is single-use (`jti`, recorded in the database for every replica).
 * Every redemption, granted or refused, is audited.
 */
export class IdJagGrant {
  constructor(private readonly deps: TokenExchangeDeps) {}

  async redeem(
    request: IdJagRequest,
    client: ClientCredentials | undefined,
    resources: readonly string[] = [],
  ): Promise<TokenExchangeResponse> {
    let agent: AgentState | undefined;
    let issuer: string | undefined;
    try {
      const { config, humans, state } = this.deps;
      const snapshot = await state.snapshot();
      agent = await authenticateClient(snapshot, this.deps.verifiedSecrets, client);
      if (agent.status !== 'ACTIVE')
        throw new OAuthError('unauthorized_client', `agent ${agent.name} is ${agent.status.toLowerCase()}`);
      const requested = requestedResource(config, request, resources);
      const assertion = await humans.verifyIdJag(request.assertion).catch((error: unknown) => {
        throw new OAuthError(
          'invalid_grant',
          error instanceof ApertureError ? error.message : 'the ID-JAG is not valid',
        );
      });
      issuer = assertion.issuer;
      if (assertion.clientId !== agent.clientId) {
        throw new OAuthError(
          'invalid_grant',
          `the ID-JAG was issued for client ${assertion.clientId.slice(0, 100)}, not for the authenticated client ${agent.clientId}`,
        );
      }
      const resource = idJagTarget(requested, assertion.resources, config.audience, resources);
      const chain = enterpriseChain(snapshot, config.maxDelegationDepth, assertion, agent);
      if (!chain && agent.parentId) {
        throw new OAuthError(
          'invalid_grant',
          `agent ${agent.name} is a sub-agent and the ID-JAG names no parent acting through it: exchange your parent's delegation token`,
        );
      }
      const person = await state.person(assertion.person);
      if (!person?.active) throw new OAuthError('invalid_grant', 'the ID-JAG names no active person');
      const { jti, expiresAt } = assertion;
      const usedBy = issuer;
      return await issueDelegation(this.deps, snapshot, {
        agent,
        humanId: person.id,
        chain: chain ?? [agent.id],
        parentJti: null,
        inheritedIntent: null,
        inheritedTaskId: null,
        expiresAt,
        grantName: 'the ID-JAG',
        intent: request.intent,
        taskId: request.task_id,
        resource,
        auditPayload: { grant: 'id-jag', idJagIssuer: issuer, idJagId: jti },
        beforeInsert: (tx) => markUsed(tx, usedBy, jti, expiresAt),
      });
    } catch (error) {
      const refusal = error instanceof OAuthError ? error : undefined;
      if (!refusal) throw error;
      await auditRefusal(this.deps.prisma, refusal, agent, client, {
        grant: 'id-jag',
        ...(issuer ? { idJagIssuer: issuer } : {}),
      }).catch((auditError: unknown) =>
        this.deps.logger.error({ err: auditError }, 'could not audit a refused ID-JAG'),
      );
      throw refusal;
    }
  }
}

/**
 * What the issued token is for: the resource the request names, which the ID-JAG must name too
 * when it names any; without one, the API unless the ID-JAG names only resources of this server
 * (then the first of them), never a token for something the ID-JAG did not allow.
 */
function idJagTarget(
  requested: string | undefined,
  named: readonly string[],
  apiAudience: string,
  served: readonly string[],
): string | undefined {
  const names = named.map((value) => value.replace(/\/$/, ''));
  if (names.length === 0) return requested;
  if (requested !== undefined) {
    if (!names.includes(requested))
      throw new OAuthError('invalid_target', `the ID-JAG does not name the resource ${requested}`);
    return requested;
  }
  if (names.includes(apiAudience)) return undefined;
  const target = names.find((name) => served.includes(name));
  if (!target) {
    throw new OAuthError(
      'invalid_target',
      `the ID-JAG names resources this server does not serve: ask for it with the API's audience ${apiAudience} or this server's resource ${served.join(', ')}`,
    );
  }
  return target;
}

/**
 * Records an assertion id as used, in the transaction that issues its token: of two concurrent
 * redemptions (on any replicas) one inserts, the other waits for it and finds the row. Prunes a
 * few long-expired ids on the way.
 */
async function markUsed(
  tx: Prisma.TransactionClient,
  issuer: string,
  jti: string,
  expiresAt: Date,
): Promise<void> {
  await tx.$executeRaw(Prisma.sql`
    DELETE FROM "UsedAssertion" WHERE ctid IN (
      SELECT ctid FROM "UsedAssertion"
      WHERE "expiresAt" < now() - make_interval(mins => ${keepUsedForMinutes})
      LIMIT 100 FOR UPDATE SKIP LOCKED)`);
  const inserted = await tx.$executeRaw(Prisma.sql`
    INSERT INTO "UsedAssertion" (issuer, jti, "expiresAt") VALUES (${issuer}, ${jti}, ${expiresAt})
    ON CONFLICT DO NOTHING`);
  if (inserted === 0) {
    throw new OAuthError(
      'invalid_grant',
      'the ID-JAG was already used: each ID-JAG (its jti) is redeemed once',
    );
  }
}
