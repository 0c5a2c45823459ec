import type { Command } from 'commander';
import type { Config } from '../../config/config.ts';

/** Exit code of a bad or missing setting: the MCP client shows stderr's one line. */
const badSettingExitCode = 2;

function refuseToStart(problem: string): never {
  console.error(`aperture mcp: ${problem}`);
  process.exit(badSettingExitCode);
}

export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description(
      "serve MCP over stdio for a local agent: APERTURE_TOKEN (a delegation token), or APERTURE_HUMAN_TOKEN, APERTURE_CLIENT_ID, APERTURE_CLIENT_SECRET and APERTURE_INTENT (+ APERTURE_TASK_ID) to exchange a person's token; with APERTURE_URL, forward to that aperture's /mcp instead of opening the database",
    )
    .action(async () => {
      const [{ stdioCredentialFromEnv }, { ConfigError }, { commandConfig }] = await Promise.all([
        import('../../mcp/mcp-stdio.ts'),
        import('../../config/config.ts'),
        import('../command-context.ts'),
      ]);
      const found = stdioCredentialFromEnv(process.env);
      if ('problem' in found) refuseToStart(found.problem);
      let config: Config;
      try {
        config = commandConfig();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        refuseToStart(`invalid configuration: ${error.problems.join('; ')}`);
      }
      if (found.remote) await serveRemote(config, found.credential, found.remote);
      else await serve(config, found.credential);
    });
}

/**
 * Opens the services as the other commands do (background work stays with the running service),
 * but logging to stderr: stdout carries the protocol and nothing else. Then serves until the
 * client closes stdin or a signal arrives. The change feed is open: revocations, suspensions,
 * grants and policy changes made by the service (any replica) count here on the next call.
 */
async function serve(
  config: Config,
  credential: import('../../mcp/mcp-stdio.ts').StdioCredential,
): Promise<void> {
  const [{ withServices }, { serveMcpStdio, StdioViewers }, { mcpResourceUrl }] = await Promise.all([
    import('../command-context.ts'),
    import('../../mcp/mcp-stdio.ts'),
    import('../../server/resource-urls.ts'),
  ]);
  await withServices(
    async (services) => {
      // A given token may be one for the API or for this service's MCP resource.
      const audiences = [
        config.identity.audience,
        ...(config.http.publicUrl ? [mcpResourceUrl(config.http.publicUrl)] : []),
      ];
      const viewers = new StdioViewers(services.identity, credential, audiences);
      await untilClosed(serveMcpStdio(services, config.mcp, viewers));
    },
    { config, logTo: 'stderr' },
  );
  process.exit(0);
}

/**
 * Forwards to a running aperture's /mcp: no database, no key, only the agent's credential on this
 * machine. Serves until the client closes stdin or a signal arrives.
 */
async function serveRemote(
  config: Config,
  credential: import('../../mcp/mcp-stdio.ts').StdioCredential,
  origin: string,
): Promise<void> {
  const [{ commandLogger }, { serveRemoteStdio }] = await Promise.all([
    import('../command-context.ts'),
    import('../../mcp/mcp-stdio-remote.ts'),
  ]);
  await untilClosed(serveRemoteStdio({ origin, credential, logger: await commandLogger(config, 'stderr') }));
  process.exit(0);
}

/** Serves until the client closes stdin or a signal arrives, then closes once. */
async function untilClosed(server: import('../../mcp/mcp-stdio.ts').StdioServer): Promise<void> {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= server.close();
    return closing;
  };
  process.once('SIGTERM', () => void close());
  process.once('SIGINT', () => void close());
  await server.closed;
  await close();
}
