import { type Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * Interactive transactions wait for a free connection up to `maxWait` (Prisma's default, 2 s, turns
 * a burst of concurrent writes on a busy machine into "Unable to start a transaction in the given
 * time"), and may run for `timeout` once started.
 */
const transactionOptions = { maxWait: 15_000, timeout: 20_000 };

/**
 * A Prisma client whose warnings and errors go to our log (as events, never to stdout). A failed
 * query is also thrown to its caller, which decides whether it was expected (a unique violation
 * becomes CONFLICT) or logs and masks it: here it is only a debug trail, not a second error line.
 */
export function createPrismaClient(
  adapter: Prisma.PrismaClientOptionsWithAdapter['adapter'],
  logger?: Logger,
): PrismaClient {
  const prisma = new PrismaClient({
    adapter,
    transactionOptions,
    log: [
      { emit: 'event', level: 'warn' },
      { emit: 'event', level: 'error' },
    ],
  });
  if (logger) {
    const log = logger.child({ component: 'prisma' });
    prisma.$on('warn', (event) =>
      log.warn({ target: event.target, details: event.message }, 'prisma warning'),
    );
    prisma.$on('error', (event) =>
      log.debug({ target: event.target, details: event.message }, 'a Prisma request failed'),
    );
  }
  return prisma;
}
