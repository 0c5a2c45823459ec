import { z } from 'zod';

/**
 * RFC 8693 §4.1 `act`: the current actor at the top, earlier actors nested inside.
 * `{ sub: sub-agent, act: { sub: agent } }` for human -> agent -> sub-agent.
 */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

const actClaimSchema: z.ZodType<ActClaim> = z.lazy(() =>
  z.object({ sub: z.string().min(1).max(100), act: actClaimSchema.optional() }),
);

/** The claims of a delegation token, beyond the registered ones jose checks. */
export const delegationClaimsSchema = z.object({
  sub: z.uuid(),
  jti: z.string().min(1).max(100),
  act: actClaimSchema,
  intent: z.string().min(1).max(100),
  task_id: z.string().max(200).optional(),
  exp: z.number(),
  iat: z.number(),
});

export type DelegationClaims = z.infer<typeof delegationClaimsSchema>;

/** Agent ids from the human's own agent to the current actor. */
export function chainFromAct(act: ActClaim, maxDepth = 32): string[] {
  const chain: string[] = [];
  for (let hop: ActClaim | undefined = act; hop; hop = hop.act) {
    chain.unshift(hop.sub);
    if (chain.length > maxDepth) throw new Error('delegation chain too deep');
  }
  return chain;
}

export function actFromChain(chain: readonly string[]): ActClaim {
  if (chain.length === 0) throw new Error('a delegation chain has at least one agent');
  return chain.reduce<ActClaim | undefined>(
    (inner, sub) => (inner ? { sub, act: inner } : { sub }),
    undefined,
  )!;
}
