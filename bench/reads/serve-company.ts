/**
 * The service under a read bench, in its own process (so its memory and CPU are its own, and the
 * load comes from yet another process). Configured by the environment like the real service, plus
 * BENCH_AUTHORIZATION=off for the same server with every object readable and no policy evaluated.
 * Prints one JSON line {graphqlUrl} when listening; answers "rss" on stdin with {rss} (bytes);
 * stops when stdin closes.
 */
import { createInterface } from 'node:readline';
import { startService } from '../../src/app/start-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Viewer } from '../../src/identity/viewer.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { AccessService, type ViewerSlice } from '../../src/policy/slice/access-service.ts';

/** Authorization off: every object readable, no policy evaluated, the same server otherwise. */
class AllowAll extends AccessService {
  override async sliceFor(viewer: Viewer): Promise<ViewerSlice> {
    const real = await super.sliceFor(viewer);
    const read = {
      visibility: 'READ' as const,
      mask: null,
      rowFilter: null,
      reasons: { allowedBy: [], deniedBy: [], cappedBy: [] },
    };
    return { ...real, decide: () => read };
  }
}

const config = loadConfig(process.env);
const logger = createLogger(config.log);
const service = await startService(
  config,
  logger,
  process.env.BENCH_AUTHORIZATION === 'off'
    ? {
        access: ({ database, identity, grants, changes }) =>
          new AllowAll(database.prisma, identity.state, grants, changes, config.identity),
      }
    : {},
);
process.stdout.write(`${JSON.stringify({ graphqlUrl: service.graphqlUrl })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'rss') process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`);
});
lines.on('close', () => {
  void service.stop().then(() => process.exit(0));
});
