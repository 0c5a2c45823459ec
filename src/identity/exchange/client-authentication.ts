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
 * the answer nor its timing tells whether an agent id exists. A secret verified recently skips
 * scrypt, which only the holder of the right secret can make happen.
 */
export async function authenticateClient(
  snapshot: IdentitySnapshot,
  verified: VerifiedSecretCache,
  credentials: ClientCredentials | undefined,
): Promise<AgentState> {
  if (!credentials) {
    throw new OAuthError(
      'invalid_client',
      "client authentication is required: send the agent's client id and secret (HTTP Basic, or client_id and client_secret in the body)",
    );
  }
  const agent = snapshot.agentsByClientId.get(credentials.clientId);
  const now = Date.now();
  const usable = (agent ? (snapshot.credentialsByAgentId.get(agent.id) ?? []) : []).filter(
    (credential) => credential.expiresAt === null || credential.expiresAt.getTime() > now,
  );
  let matched = usable.some((credential) => verified.has(credential.id, credentials.clientSecret));
  if (!matched) {
    const candidates = usable.length > 0 ? usable : [{ id: '', secretHash: unmatchableSecretHash }];
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
