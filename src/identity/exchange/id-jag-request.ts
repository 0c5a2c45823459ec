import { z } from 'zod';
import { maxTokenLength } from '../tokens/token-types.ts';
import { tokenExchangeRequestSchema } from './token-exchange-request.ts';

/** RFC 7523 §2.1: the grant an ID-JAG is presented with. */
export const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The form parameters of an ID-JAG redemption (draft-ietf-oauth-identity-assertion-authz-grant
 * §4.3: RFC 7523 jwt-bearer with the ID-JAG as `assertion`), plus aperture's `intent` and
 * `task_id` as in token exchange. `scope` is accepted and ignored: aperture's tokens carry an
 * intent, not scopes.
 */
export const idJagRequestSchema = z.object({
  grant_type: z.literal(jwtBearerGrantType, { error: 'grant_type must be jwt-bearer' }),
  assertion: z
    .string({ error: 'assertion is required' })
    .min(1, 'assertion is required')
    .max(maxTokenLength, 'assertion is too large'),
  intent: tokenExchangeRequestSchema.shape.intent,
  task_id: tokenExchangeRequestSchema.shape.task_id,
  audience: tokenExchangeRequestSchema.shape.audience,
  resource: tokenExchangeRequestSchema.shape.resource,
  scope: tokenExchangeRequestSchema.shape.scope,
});

export type IdJagRequest = z.infer<typeof idJagRequestSchema>;
