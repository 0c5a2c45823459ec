// Every command is declared here (names, options, help) without loading what it does: each action
// imports its implementation when it runs, so `--help` or `dev-token` never load the service, the
// database drivers or the GraphQL schema. Keep the command files' top-level imports light.
import { Command, CommanderError } from 'commander';
import { apertureVersion } from '../version.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerAuditExportCommand } from './commands/audit-export.ts';
import { registerDevTokenCommand } from './commands/dev-token.ts';
import { registerImportCommands } from './commands/import.ts';
import { registerKeysCommands } from './commands/keys.ts';
import { registerMcpCommand } from './commands/mcp.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerMiningCommands } from './commands/mine.ts';
import { registerSourceCommands } from './commands/sources.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerVersionedSetCommands } from './commands/versioned-sets.ts';

const program = new Command('aperture')
  .description('The authorization layer between AI agents and company data.')
  .version(apertureVersion)
  .showHelpAfterError()
  .exitOverride();

registerStartCommand(program);
registerMigrateCommand(program);
registerImportCommands(program);
registerAuditCommands(program);
registerAuditExportCommand(program);
registerDevTokenCommand(program);
registerVersionedSetCommands(program);
registerMiningCommands(program);
registerMcpCommand(program);
registerSourceCommands(program);
registerKeysCommands(program);

/**
 * Expected failures print their message alone; anything else prints its stack. The error classes
 * are loaded only now: a failure came from code that loaded them already.
 */
async function isExpected(error: unknown): Promise<boolean> {
  const [{ ApertureError }, { ConfigError }, { MigrationError }, { DataFolderLockedError }] =
    await Promise.all([
      import('../shared/errors.ts'),
      import('../config/config.ts'),
      import('../db/migrations/apply-migrations.ts'),
      import('../db/embedded/data-folder-lock.ts'),
    ]);
  return (
    error instanceof ApertureError ||
    error instanceof ConfigError ||
    error instanceof MigrationError ||
    error instanceof DataFolderLockedError
  );
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error((await isExpected(error)) && error instanceof Error ? `error: ${error.message}` : error);
  process.exit(1);
}
