import { stdSerializers } from 'pino';
import { scrubSecrets } from './scrub-secrets.ts';

/**
 * pino's error serializer (type, message and stack with causes, own fields), then scrubbed: an HTTP
 * client's error carries the request it sent, whose headers hold the bot token.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return scrubSecrets(error);
  return scrubSecrets({ ...stdSerializers.err(error) });
}
