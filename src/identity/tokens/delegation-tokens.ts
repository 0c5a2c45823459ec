import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { joseRefusal, TokenRefusedError } from '../token-refusal.ts';
import {
  actFromChain,
  type ChainAgent,
  type DelegationClaims,
  delegationClaimsSchema,
  humanSubjectProfile,
} from './delegation-claims.ts';
import { type SigningKeys, signingAlgorithm } from './signing-keys.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export interface NewDelegationToken {
  humanId: string;
  /** The agents, from the human's own agent to the actor receiving this token. */
  chain: readonly ChainAgent[];
  intent: string;
  taskId: string | null;
  expiresAt: Date;
  /** The RFC 8707 resource the token is for (the MCP endpoint); the API's audience when absent. */
  resource?: string | undefined;
}

export interface SignedDelegationToken {
  token: string;
  jti: string;
  issuedAt: Date;
}

/**
 * Signs and verifies aperture's delegation tokens: JWT access tokens (RFC 9068, EdDSA) whose `sub`
 * is the human (`sub_profile: user`) and whose nested `act` is the agent chain, each agent named by
 * its client id (`sub_profile: ai_agent`, draft-mcguinness-oauth-actor-profile).
 */
export class DelegationTokens {
  private readonly verified = new VerifiedTokenCache<DelegationClaims>();
  /** Counts forgetVerified calls: a check that began before one must not be remembered after it. */
  private keysGeneration = 0;

  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  isOurs(issuer: string | undefined): boolean {
    return issuer === this.issuer;
  }

  async sign(token: NewDelegationToken): Promise<SignedDelegationToken> {
    const { kid, key } = await this.keys.signingKey();
    const jti = randomUUID();
    const issuedAt = new Date();
    const signed = await new SignJWT({
      sub_profile: humanSubjectProfile,
      act: actFromChain(token.chain, this.issuer),
      intent: token.intent,
      ...(token.taskId ? { task_id: token.taskId } : {}),
      // RFC 9068: the OAuth client the token was issued to, the presenting agent.
      client_id: token.chain.at(-1)?.clientId,
    })
      .setProtectedHeader({ alg: signingAlgorithm, kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setAudience(token.resource ?? this.audience)
      .setSubject(token.humanId)
      .setJti(jti)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(token.expiresAt.getTime() / 1000))
      .sign(key);
    return { token: signed, jti, issuedAt };
  }

  /**
   * Signature, issuer, expiry and claim shape, then the audience: the token must have been issued
   * for one of `audiences` (the API's by default; the MCP door passes its resource URL). State
   * (revocation, agent status) is checked by the caller.
   */
  async verify(token: string, audiences: readonly string[] = [this.audience]): Promise<DelegationClaims> {
    const claims = this.verified.get(token) ?? (await this.verifyAndRemember(token));
    const issuedFor = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    if (!issuedFor.some((audience) => audiences.includes(audience))) {
      throw new TokenRefusedError('wrong_audience', 'the delegation token was not issued for this resource');
    }
    return claims;
  }

  private async verifyAndRemember(token: string): Promise<DelegationClaims> {
    const generation = this.keysGeneration;
    const payload = await this.verifySignature(token, true);
    const claims = delegationClaimsSchema.safeParse(payload);
    if (!claims.success)
      throw new TokenRefusedError('malformed_claims', 'the delegation token has malformed claims');
    // Checked with keys that may since have been retired: answer this call, remember nothing.
    if (generation === this.keysGeneration) this.verified.set(token, claims.data);
    return claims.data;
  }

  /** Signing keys changed (rotation or retirement): verify everything afresh. */
  forgetVerified(): void {
    this.keysGeneration++;
    this.verified.clear();
  }

  private async verifySignature(token: string, retryOnUnknownKey: boolean): Promise<unknown> {
    // Outside the refusal below: keys that cannot be loaded (the database is down) are an
    // outage to retry, not a bad token.
    const keys = await this.keys.verificationKeys();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.issuer,
        algorithms: [signingAlgorithm],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      });
      return payload;
    } catch (error) {
      // Another replica may have added a key since we loaded ours.
      if (retryOnUnknownKey && error instanceof joseErrors.JWKSNoMatchingKey && this.keys.reloadSoon()) {
        return this.verifySignature(token, false);
      }
      throw joseRefusal(error, 'the delegation token');
    }
  }
}
