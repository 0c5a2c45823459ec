import { z } from 'zod';
import {
  accessTokenType,
  jwtTokenType,
  maxTokenLength,
  tokenExchangeGrantType,
} from '../tokens/token-types.ts';

/** The form parameters of an RFC 8693 token-exchange request that aperture reads. */
export const tokenExchangeRequestSchema = z.object({
  grant_type: z.literal(tokenExchangeGrantType, { error: 'grant_type must be token-exchange' }),
  subject_token: z
    .string({ error: 'subject_token is required' })
    .min(1, 'subject_token is required')
    .max(maxTokenLength, 'subject_token is too large'),
  subject_token_type: z.enum([jwtTokenType, accessTokenType], {
    error: `subject_token_type must be ${jwtTokenType} or ${accessTokenType}`,
  }),
  requested_token_type: z.enum([jwtTokenType, accessTokenType]).optional(),
  intent: z.string().trim().min(1).max(100).optional(),
  task_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\w.:@/-]+$/, 'task_id may hold letters, digits and . : @ / - _')
    .optional(),
  audience: z.string().trim().min(1).max(500).optional(),
  resource: z.string().trim().min(1).max(500).optional(),
  scope: z.string().max(1000).optional(),
});

export type TokenExchangeRequest = z.infer<typeof tokenExchangeRequestSchema>;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenExchangeResponse {
  access_token: string;
  issued_token_type: string;
  token_type: 'Bearer';
  expires_in: number;
}
