import type { PrismaClient } from '../../db/open-database.ts';
import {
  unmatchableSecretHash,
  type VerifiedSecretCache,
  verifyClientSecret,
} from '../agents/client-secret.ts';
import type { AgentState, IdentitySnapshot } from '../state/identity-state.ts';
import { OAuthError } from './oauth-error.ts';
import type { ClientCredentials } from './token-exchange-request.ts';

/**
 * Authenticates an agent by client id and secret. Unknown ids, wrong secrets, revoked or expired
 * credentials all get the same error after the same work (one scrypt verification), so neither
 * the answer nor its timing tells whether an agent id exists.
 */
export async function authenticateClient(
  prisma: PrismaClient,
  snapshot: IdentitySnapshot,
  verified: VerifiedSecretCache,
  credentials: ClientCredentials | undefined,
): Promise<AgentState> {
  if (!credentials) throw new OAuthError('invalid_client', 'client authentication is required');
  const agent = snapshot.agentsByClientId.get(credentials.clientId);
  // The same query whether or not the id exists.
  const stored = await prisma.agentCredential.findMany({
    where: {
      agent: { clientId: credentials.clientId },
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
    },
    select: { id: true, secretHash: true },
  });
  let matched = stored.some((credential) => verified.has(credential.id, credentials.clientSecret));
  if (!matched) {
    const candidates = stored.length > 0 ? stored : [{ id: '', secretHash: unmatchableSecretHash }];
    for (const credential of candidates) {
      if (await verifyClientSecret(credentials.clientSecret, credential.secretHash)) {
        matched = credential.id !== '';
        if (matched) verified.remember(credential.id, credentials.clientSecret);
        break;
      }
    }
  }
  if (!agent || !matched) throw new OAuthError('invalid_client', 'client authentication failed');
  return agent;
}
