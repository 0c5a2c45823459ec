import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { type SigningKeys, signingAlgorithm } from '../identity/tokens/signing-keys.ts';
import type { AgentViewer } from '../identity/viewer.ts';
import { actionNames, resourceTypes } from './authzen-schemas.ts';

/** How long a requestable denial may be turned into an access request. */
export const requestableDenialSeconds = 10 * 60;

const bindingType = 'authzen-denial+jwt';

/** What a requestable denial binds: who was denied what, under which evaluation, until when. */
export interface DenialBinding {
  evaluationId: string;
  /** The PEP client the denial was answered to: only it may file the request. */
  pepClientId: string;
  humanId: string;
  /** Agent ids, from the person's own agent to the one acting. */
  chain: string[];
  intent: string;
  resource: { type: (typeof resourceTypes)[number]; id: string };
  action: (typeof actionNames)[number];
  expiresAt: Date;
}

const claimsSchema = z.object({
  jti: z.string(),
  sub: z.string(),
  chain: z.array(z.string()).min(1),
  intent: z.string(),
  pep: z.string(),
  resource: z.object({ type: z.enum(resourceTypes), id: z.string() }),
  action: z.enum(actionNames),
  exp: z.number(),
});

/**
 * The `binding_token` of a requestable denial (access-request profile §5): a JWS aperture signs
 * with its token keys (published at its jwks_uri), naming the denied evaluation, so that an access
 * request can be checked against the denial it remediates and refused once it is stale.
 */
export class DenialBindings {
  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: string,
  ) {}

  async issue(
    viewer: AgentViewer,
    resource: DenialBinding['resource'],
    action: DenialBinding['action'],
    /** The PDP's identifier (the token's `aud`) and the PEP client answered. */
    recipient: { audience: string; pepClientId: string },
    /** When the denial was decided: its freshness runs from here. */
    evaluatedAt = new Date(),
  ) {
    const { kid, key } = await this.keys.signingKey();
    const evaluationId = `eval_${randomUUID()}`;
    const now = Math.floor(evaluatedAt.getTime() / 1000);
    const expiresAt = new Date((now + requestableDenialSeconds) * 1000);
    const token = await new SignJWT({
      chain: viewer.chain.map((agent) => agent.id),
      intent: viewer.intent,
      pep: recipient.pepClientId,
      resource,
      action,
    })
      .setProtectedHeader({ alg: signingAlgorithm, kid, typ: bindingType })
      .setIssuer(this.issuer)
      .setAudience(recipient.audience)
      .setSubject(viewer.human.id)
      .setJti(evaluationId)
      .setIssuedAt(now)
      .setExpirationTime(now + requestableDenialSeconds)
      .sign(key);
    return { token, evaluationId, evaluatedAt: new Date(now * 1000), expiresAt };
  }

  /** The binding a token carries, or why it is not one of ours for this PDP; `expired` when stale. */
  async read(
    token: string,
    audience: string,
  ): Promise<{ ok: true; binding: DenialBinding } | { ok: false; expired: boolean; message: string }> {
    try {
      const { payload } = await jwtVerify(token, await this.keys.verificationKeys(), {
        issuer: this.issuer,
        audience,
        typ: bindingType,
        algorithms: [signingAlgorithm],
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success)
        return { ok: false, expired: false, message: 'denial.binding_token has malformed claims' };
      const { jti, sub, pep, chain, intent, resource, action, exp } = claims.data;
      return {
        ok: true,
        binding: {
          evaluationId: jti,
          pepClientId: pep,
          humanId: sub,
          chain,
          intent,
          resource,
          action,
          expiresAt: new Date(exp * 1000),
        },
      };
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      return {
        ok: false,
        expired,
        message: expired
          ? 'the requestable denial has expired: evaluate again'
          : 'denial.binding_token is not a denial this PDP issued',
      };
    }
  }
}
