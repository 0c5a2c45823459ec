import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { DataFolderLockedError } from '../db/embedded/data-folder-lock.ts';
import { MigrationError } from '../db/migrations/apply-migrations.ts';
import { ApertureError } from '../shared/errors.ts';
import { apertureVersion } from '../version.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerAuditExportCommand } from './commands/audit-export.ts';
import { registerDevTokenCommand } from './commands/dev-token.ts';
import { registerImportCommands } from './commands/import.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerMiningCommands } from './commands/mine.ts';
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

/** Expected failures print their message alone; anything else prints its stack. */
function isExpected(error: unknown): error is Error {
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
  console.error(isExpected(error) ? `error: ${error.message}` : error);
  process.exit(1);
}
