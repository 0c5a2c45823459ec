import type { PrismaClient } from '../db/open-database.ts';
import type { IdentityModule } from '../identity/identity-module.ts';
import type { Logger } from '../logging/logger.ts';
import type { Route } from '../server/create-http-server.ts';
import { consoleApiRoute } from './console-api.ts';
import type { ConsoleConfig } from './console-config.ts';
import { consoleHostNames } from './console-host.ts';
import { OidcSignIn } from './oidc/oidc-sign-in.ts';
import { ConsoleSessionAuthenticator } from './session-authenticator.ts';
import { ConsoleSessions } from './sessions/console-sessions.ts';

/** The console's server side: its API route, and its sessions as a way into GraphQL. */
export interface ConsoleDoor {
  route: Route;
  sessions: ConsoleSessionAuthenticator;
}

/**
 * Wires the console's sign-in and sessions. People only: a session is made for an active person
 * of the people store, found by the development sign-in (development only) or by the identity
 * provider's ID token; agents are not people, and no route here takes a token.
 */
export function consoleDoor(deps: {
  prisma: PrismaClient;
  identity: IdentityModule;
  config: ConsoleConfig;
  publicUrl: string | null;
  logger: Logger;
}): ConsoleDoor {
  const { prisma, identity, config, publicUrl, logger } = deps;
  const sessions = new ConsoleSessions(prisma, identity.state, config);
  const oidcRedirectUrl = config.oidc?.redirectUrl ?? null;
  return {
    route: consoleApiRoute({
      prisma,
      sessions,
      people: identity.state,
      governanceGroup: identity.config.governanceGroup,
      // The development issuer signs tokens for anyone; picking a person is the same power.
      devSignIn: identity.config.devIssuerOff === null,
      oidc: config.oidc ? new OidcSignIn(config.oidc) : null,
      oidcRedirectUrl,
      publicUrl,
      sessionSeconds: config.sessionHours * 3_600,
      logger: logger.child({ door: 'console' }),
    }),
    sessions: new ConsoleSessionAuthenticator(sessions, {
      secureCookies: publicUrl?.startsWith('https:') ?? false,
      hostNames: consoleHostNames([publicUrl, oidcRedirectUrl]),
    }),
  };
}
