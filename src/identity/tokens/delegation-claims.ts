import { z } from 'zod';

/**
 * Entity profiles (draft-mora-oauth-entity-profiles, used by draft-mcguinness-oauth-actor-profile):
 * the top-level `sub_profile` says what the token's `sub` is, each `act.sub_profile` what that
 * actor is, so other tools can tell a person from an AI agent without knowing aperture.
 */
export const humanSubjectProfile = 'user';
export const agentActorProfile = 'ai_agent';

/**
 * RFC 8693 §4.1 `act`, as the OAuth actor profile shapes it: the current actor at the top, earlier
 * actors nested inside. `sub` is the agent's OAuth client id (the name the API and other tools
 * know it by), `iss` the namespace that client id belongs to (aperture's issuer, where agents are
 * registered). `aperture_agent_id` is aperture's internal agent id, which the per-call checks and
 * the audit log use; a token of the first shape has no `iss` nor `aperture_agent_id`, and its
 * `sub` is that internal id.
 */
export interface ActClaim {
  sub: string;
  iss?: string | undefined;
  sub_profile?: string | undefined;
  aperture_agent_id?: string | undefined;
  act?: ActClaim | undefined;
}

const actClaimSchema: z.ZodType<ActClaim> = z.lazy(() =>
  z.object({
    sub: z.string().min(1).max(100),
    iss: z.string().min(1).max(500).optional(),
    sub_profile: z.string().min(1).max(100).optional(),
    aperture_agent_id: z.uuid().optional(),
    act: actClaimSchema.optional(),
  }),
);

/** The claims of a delegation token, beyond the registered ones jose checks. */
export const delegationClaimsSchema = z.object({
  sub: z.uuid(),
  sub_profile: z.string().min(1).max(100).optional(),
  jti: z.string().min(1).max(100),
  act: actClaimSchema,
  intent: z.string().min(1).max(100),
  task_id: z.string().max(200).optional(),
  client_id: z.string().min(1).max(100).optional(),
  /** The API (`APERTURE_AUDIENCE`) or the RFC 8707 resource it was asked for (the MCP endpoint). */
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  exp: z.number(),
  iat: z.number(),
});

export type DelegationClaims = z.infer<typeof delegationClaimsSchema>;

/** One agent of a delegation chain, as a token names it. */
export interface ChainAgent {
  id: string;
  clientId: string;
}

/** Agent ids from the human's own agent to the current actor (either token shape). */
export function chainFromAct(act: ActClaim, maxDepth = 32): string[] {
  const chain: string[] = [];
  for (let hop: ActClaim | undefined = act; hop; hop = hop.act) {
    chain.unshift(hop.aperture_agent_id ?? hop.sub);
    if (chain.length > maxDepth) throw new Error('delegation chain too deep');
  }
  return chain;
}

/** The nested `act` claim for a chain (from the human's own agent to the current actor). */
export function actFromChain(chain: readonly ChainAgent[], issuer: string): ActClaim {
  if (chain.length === 0) throw new Error('a delegation chain has at least one agent');
  return chain.reduce<ActClaim | undefined>((inner, agent) => {
    const hop: ActClaim = {
      sub: agent.clientId,
      iss: issuer,
      sub_profile: agentActorProfile,
      aperture_agent_id: agent.id,
    };
    return inner ? { ...hop, act: inner } : hop;
  }, undefined)!;
}
