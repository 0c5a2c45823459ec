import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  HTTPModuleFunctions,
  HTTPReceiver,
  type ReceiverProcessEventErrorHandlerArgs,
  SocketModeReceiver,
} from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { databaseUnavailable, unavailableReason } from '../db/database-unavailable.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { IdentityState } from '../identity/state/identity-state.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestsModule } from '../requests/requests-module.ts';
import { boltLogger } from './bolt-logger.ts';
import { SlackChannelIds } from './channel-ids.ts';
import { registerApertureCommand } from './listeners/aperture-command.ts';
import { registerConsentListeners } from './listeners/consent-listeners.ts';
import { registerDecisionListeners } from './listeners/decision-listeners.ts';
import { rejectStaleOrReplayed } from './replay-guard.ts';
import type { SlackConfig } from './slack-config.ts';
import { SlackDigest } from './slack-digest.ts';
import { slackCall } from './slack-errors.ts';
import { SlackNotifier } from './slack-notifier.ts';

export const slackEventsPath = '/slack/events';

export interface SlackApp {
  /** HTTP mode: the handler for /slack/events (signed requests). Null in Socket Mode. */
  handle: ((request: IncomingMessage, response: ServerResponse) => void) | null;
  notifier: SlackNotifier;
  /** The mining digest, when a governance channel is configured. */
  digest: SlackDigest | null;
  /** Posts plain text to a channel (the audit log's Slack witness). */
  postText(channel: string, text: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app, served by aperture's own HTTP server at /slack/events (or over Socket Mode when an
 * app-level token is set). Web API calls are not retried by the client: they run in durable jobs
 * that retry them (and honour Retry-After).
 */
export function createSlackApp(deps: {
  config: SlackConfig;
  prisma: PrismaClient;
  identity: IdentityState;
  requests: RequestsModule;
  /** Who hears of security alerts when no channel is configured for them. */
  governanceGroup: string;
  logger: Logger;
}): SlackApp {
  const { config } = deps;
  const logger = boltLogger(deps.logger);
  const receiver = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger })
    : new HTTPReceiver({
        signingSecret: config.signingSecret!,
        endpoints: slackEventsPath,
        // Decide before answering: the click's outcome is settled when Slack gets the response.
        processBeforeResponse: true,
        processEventErrorHandler: answerUnavailableWith503,
        logger,
      });
  // A failed call's error keeps Slack's answer but not the request the HTTP client sent, whose
  // headers hold the bot token (the error is logged, and a log must never hold a secret).
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    attachOriginalToWebAPIRequestError: false,
  };
  // Outbound calls run in durable jobs that retry them (honouring Retry-After): no client retries.
  const client = new WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    // A Slack that takes the connection and never answers must not hold a job (and its lease) forever.
    timeout: 15_000,
    rejectRateLimitedCalls: true,
    logger,
  });
  const app = new App({
    receiver,
    logger,
    // A fixed bot token: no auth.test per incoming request (Bolt's default without verification),
    // so clicks are decided even while Slack's Web API is unreachable.
    authorize: async () => ({ botToken: config.botToken }),
    clientOptions,
  });
  const listenerDeps = { ...deps, client };
  registerDecisionListeners(app, listenerDeps);
  registerConsentListeners(app, listenerDeps);
  registerApertureCommand(app, listenerDeps);
  app.error(async (error) => {
    const unavailable = databaseUnavailable(error);
    if (unavailable) {
      // Nothing was decided: the receiver answers 503 and Slack retries (or shows the click failed).
      deps.logger.warn({ reason: unavailableReason(unavailable) }, 'database unavailable');
      throw unavailable;
    }
    deps.logger.error({ err: error }, 'a Slack listener failed');
  });
  const channels = new SlackChannelIds(deps.prisma, client, deps.logger);
  const notifier = new SlackNotifier(
    deps.prisma,
    client,
    config,
    deps.logger,
    channels,
    deps.governanceGroup,
  );
  return {
    handle:
      receiver instanceof HTTPReceiver ? rejectStaleOrReplayed(receiver.requestListener, deps.logger) : null,
    notifier,
    digest: config.governanceChannel
      ? new SlackDigest(deps.prisma, client, config.governanceChannel, channels)
      : null,
    postText: async (channel, text) => {
      await slackCall('chat.postMessage', () => client.chat.postMessage({ channel, text }));
    },
    start: async () => {
      if (receiver instanceof SocketModeReceiver) await receiver.start();
    },
    stop: async () => {
      if (receiver instanceof SocketModeReceiver) await receiver.stop();
    },
  };
}

/**
 * A listener that failed because the database is unavailable (rethrown by `app.error`): 503 with
 * `Retry-After` instead of Bolt's 500. Anything else as Bolt answers it.
 */
async function answerUnavailableWith503(args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  const unavailable = databaseUnavailable(args.error);
  if (!unavailable || args.response.headersSent)
    return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  args.response.writeHead(503, {
    'content-type': 'text/plain',
    'retry-after': String(unavailable.retryAfterSeconds),
  });
  args.response.end(unavailable.message);
  return true;
}
