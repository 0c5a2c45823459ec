import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import type { IdentityState } from '../identity/state/identity-state.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestsModule } from '../requests/requests-module.ts';
import type { SlackConfig } from './slack-config.ts';

/** What the Slack listeners need: they call the requests domain, never decide anything themselves. */
export interface SlackDeps {
  prisma: PrismaClient;
  identity: IdentityState;
  requests: RequestsModule;
  client: WebClient;
  config: SlackConfig;
  logger: Logger;
}
