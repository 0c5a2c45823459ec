import type { ChangeFeed } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import { AgentService, type AgentStoppedHandler } from './agents/agent-service.ts';
import { AgentUsage } from './agents/agent-usage.ts';
import { VerifiedSecretCache } from './agents/client-secret.ts';
import { Authenticator, type ViewerAuthenticator } from './authenticator.ts';
import { type PersonDelegation, personDelegations } from './delegations/person-delegations.ts';
import { TokenExchange } from './exchange/token-exchange.ts';
import { HumanTokenVerifier } from './humans/human-token-verifier.ts';
import type { IdentityConfig } from './identity-config.ts';
import { IntentService } from './intents/intent-service.ts';
import { PepClientService } from './pep-clients/pep-client-service.ts';
import { IdentityState } from './state/identity-state.ts';
import { recheckCredential } from './streams/recheck-credential.ts';
import type { StreamAuthorization } from './streams/while-authorized.ts';
import { DelegationTokens } from './tokens/delegation-tokens.ts';
import { revokeDelegationToken, type TokensRevokedHandler } from './tokens/revoke-delegation-token.ts';
import { SigningKeys } from './tokens/signing-keys.ts';
import type { Viewer } from './viewer.ts';

/** Everything identity offers the adapters (GraphQL, the token endpoint), wired once per process. */
export interface IdentityModule {
  config: IdentityConfig;
  state: IdentityState;
  signingKeys: SigningKeys;
  authenticator: ViewerAuthenticator;
  tokenExchange: TokenExchange;
  agents: AgentService;
  /** The agents directory's figures per agent (sub-agents, last use, live tokens), batched. */
  agentUsage: AgentUsage;
  intents: IntentService;
  /** The policy enforcement points registered to ask the AuthZEN endpoints. */
  pepClients: PepClientService;
  /** The agents acting for this person now (their live delegations); people only. */
  delegations(viewer: Viewer): Promise<PersonDelegation[]>;
  /** Governance revokes any delegation token; a person, those acting for them (see revokeDelegationToken). */
  revokeToken(viewer: Viewer, jti: string, reason?: string | null): Promise<string[]>;
  /**
   * Ties a long-lived stream to the credential (`Authorization` header) that opened it: the same
   * checks as every call, run again when the identity state changes or the credential expires.
   */
  streamAuthorization(authorization: string | null, viewer: Viewer): StreamAuthorization;
  close(): void;
}

export async function createIdentityModule(deps: {
  prisma: PrismaClient;
  config: IdentityConfig;
  changes: ChangeFeed;
  logger: Logger;
  /** Zero standing privileges: what a suspended or retired agent holds ends with it. */
  onAgentStopped: AgentStoppedHandler;
  /** What was asked with a revoked delegation is withdrawn with it. */
  onTokensRevoked: TokensRevokedHandler;
  /**
   * Runs after a token revocation or an agent's stop commits, before it answers (vended database
   * logins resting on them end first). Its failures are its own to log: the revocation holds.
   */
  afterRevocation?: () => Promise<void>;
}): Promise<IdentityModule> {
  const { prisma, config, changes, logger } = deps;
  const state = new IdentityState(prisma, changes);
  const signingKeys = new SigningKeys(prisma);
  const delegationTokens = new DelegationTokens(signingKeys, config.issuer, config.audience);
  const humans = await HumanTokenVerifier.create(config);
  const verifiedSecrets = new VerifiedSecretCache();
  const unsubscribe = changes.subscribe((topic) => {
    if (topic === undefined || topic === 'identity') verifiedSecrets.clear();
    if (topic === undefined || topic === 'keys') {
      signingKeys.forget();
      delegationTokens.forgetVerified();
    }
  });
  const services = { prisma, state, governanceGroup: config.governanceGroup };
  const authenticator = new Authenticator({ config, state, delegationTokens, humans });
  return {
    config,
    state,
    signingKeys,
    authenticator,
    tokenExchange: new TokenExchange({
      prisma,
      config,
      state,
      delegationTokens,
      humans,
      verifiedSecrets,
      logger,
    }),
    agents: new AgentService({
      ...services,
      onAgentStopped: deps.onAgentStopped,
      ...(deps.afterRevocation ? { afterRevocation: deps.afterRevocation } : {}),
    }),
    agentUsage: new AgentUsage(prisma),
    intents: new IntentService(services),
    pepClients: new PepClientService({ prisma, governanceGroup: config.governanceGroup }),
    delegations: (viewer) => personDelegations(services, viewer),
    revokeToken: async (viewer, jti, reason) => {
      const revoked = await revokeDelegationToken(
        { ...services, onTokensRevoked: deps.onTokensRevoked },
        viewer,
        jti,
        reason,
      );
      await deps.afterRevocation?.();
      return revoked;
    },
    streamAuthorization: (authorization, viewer) => ({
      check: () => recheckCredential(authenticator, authorization),
      watch: (listener) =>
        changes.subscribe((topic) => {
          if (
            topic === undefined ||
            topic === 'identity' ||
            topic === 'people' ||
            topic === 'keys' ||
            topic === 'console-sessions'
          )
            listener();
        }),
      expiresAt: viewer.kind === 'anonymous' ? null : viewer.expiresAt,
    }),
    close() {
      unsubscribe();
      state.close();
    },
  };
}
