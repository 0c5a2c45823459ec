import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the service (embedded database by default; DATABASE_URL for PostgreSQL)')
    .action(async () => {
      const config = loadConfig();
      const [{ startService }, { createLogger }] = await Promise.all([
        import('../../app/start-service.ts'),
        import('../../logging/logger.ts'),
      ]);
      const logger = createLogger(config.log);
      const service = await startService(config, logger);
      logger.info({ url: service.graphqlUrl }, 'aperture is listening');
      console.log(
        `\naperture is running: GraphQL at ${service.graphqlUrl}${config.http.graphiql ? ' (open it in a browser for GraphiQL)' : ''}\n` +
          `the console at ${service.url}/console/\n`,
      );
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down: finishing in-flight requests');
        service.stop().then(
          () => {
            logger.info('stopped');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
