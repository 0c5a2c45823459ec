import { decodeJwt } from 'jose';
import type { HumanTokenVerifier } from './humans/human-token-verifier.ts';
import type { IdentityConfig } from './identity-config.ts';
import type { IdentityState, PersonKey, PersonState } from './state/identity-state.ts';
import { TokenRefusedError } from './token-refusal.ts';
import { checkDelegationState } from './tokens/check-delegation-state.ts';
import { chainFromAct } from './tokens/delegation-claims.ts';
import type { DelegationTokens } from './tokens/delegation-tokens.ts';
import { maxTokenLength } from './tokens/token-types.ts';
import { anonymousViewer, type HumanIdentity, type Viewer } from './viewer.ts';

/** What the adapters need from authentication (a seam for tests and the verification benchmark). */
export interface ViewerAuthenticator {
  authenticate(authorization: string | null | undefined, door?: AuthenticationDoor): Promise<Viewer>;
}

/**
 * Which door a token is presented at. The API (GraphQL) takes people's own tokens and delegation
 * tokens for `APERTURE_AUDIENCE`; a resource door (the MCP endpoint, an OAuth 2.1 resource
 * server) takes only delegation tokens issued for its resource URL (RFC 8707), never a token
 * meant for someone else.
 */
export type AuthenticationDoor = { kind: 'api' } | { kind: 'resource'; audiences: readonly string[] };

const apiDoor: AuthenticationDoor = { kind: 'api' };

/**
 * Turns an `Authorization` header into a Viewer, per call: the token's signature and expiry, then
 * the current state (revoked token, agent status along the chain, intent, the human still active).
 * A missing header is the anonymous viewer; any other failure is UNAUTHENTICATED.
 */
export class Authenticator implements ViewerAuthenticator {
  constructor(
    private readonly deps: {
      config: IdentityConfig;
      state: IdentityState;
      delegationTokens: DelegationTokens;
      humans: HumanTokenVerifier;
    },
  ) {}

  async authenticate(
    authorization: string | null | undefined,
    door: AuthenticationDoor = apiDoor,
  ): Promise<Viewer> {
    if (!authorization) return anonymousViewer;
    // The scheme is case-insensitive (RFC 7235 §2.1); exactly one space and one token (RFC 6750 §2.1),
    // so `Bearer a b` and two headers folded into one (`Bearer a, Bearer b`) are refused.
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization);
    if (!match) {
      const empty = /^Bearer\s*$/i.test(authorization);
      throw new TokenRefusedError(
        'malformed_header',
        empty
          ? 'the Authorization header holds no token (an unset variable?): send Authorization: Bearer <token>'
          : 'use the header Authorization: Bearer <token>',
      );
    }
    const token = match[1]!;
    if (token.length > maxTokenLength) throw new TokenRefusedError('too_large', 'the token is too large');
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new TokenRefusedError('not_a_jwt', 'the token is not a JWT');
    }
    if (this.deps.delegationTokens.isOurs(issuer)) return this.agentViewer(token, door);
    if (door.kind === 'resource') {
      throw new TokenRefusedError(
        'wrong_audience',
        'this endpoint takes delegation tokens issued for it: exchange your token at /oauth/token with its resource',
      );
    }
    return this.humanViewer(token);
  }

  private async agentViewer(token: string, door: AuthenticationDoor): Promise<Viewer> {
    const { delegationTokens, state, config } = this.deps;
    const claims = await delegationTokens.verify(
      token,
      door.kind === 'resource' ? door.audiences : [config.audience],
    );
    const snapshot = await state.snapshot();
    if (snapshot.revokedTokenIds.has(claims.jti)) {
      throw new TokenRefusedError('revoked', 'the delegation token was revoked');
    }
    const chain = chainFromAct(claims.act);
    const { agents, problem } = checkDelegationState(
      snapshot,
      chain,
      claims.intent,
      config.maxDelegationDepth,
    );
    if (problem) {
      throw new TokenRefusedError(problem.kind, `the delegation no longer holds: ${problem.message}`);
    }
    const intent = snapshot.intents.get(claims.intent)!;
    if (Date.now() / 1000 - claims.iat > intent.maxTokenLifetimeSeconds) {
      throw new TokenRefusedError(
        'older_than_intent_allows',
        `the delegation token is older than intent ${intent.name} now allows`,
      );
    }
    const human = await this.activeHuman(await state.person({ id: claims.sub }));

    return {
      kind: 'agent',
      human,
      chain: agents.map(({ id, clientId, name }) => ({ id, clientId, name })),
      intent: claims.intent,
      taskId: claims.task_id ?? null,
      tokenId: claims.jti,
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  private async humanViewer(token: string): Promise<Viewer> {
    const verified = await this.deps.humans.verify(token, 'api');
    const person = await this.deps.state.person(verified.person);
    if (!person?.active) {
      // The token is genuine: saying which person it names tells its holder nothing new, and a
      // typo in `dev-token --user` is found at once.
      throw new TokenRefusedError(
        'inactive_person',
        `the token names no active person (${describePersonKey(verified.person)})`,
      );
    }
    const human = await this.activeHuman(person);
    return { kind: 'human', human, issuer: verified.issuer, expiresAt: verified.expiresAt };
  }

  private async activeHuman(person: PersonState | null): Promise<HumanIdentity> {
    if (!person?.active) throw new TokenRefusedError('inactive_person', 'the token names no active person');
    const { active: _active, ...human } = person;
    return human;
  }
}

function describePersonKey(key: PersonKey): string {
  if ('email' in key) return `email ${key.email}`;
  if ('subject' in key) return `subject ${key.subject}`;
  return `id ${key.id}`;
}
