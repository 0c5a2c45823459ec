import { once } from 'node:events';
import type { Command } from 'commander';
import { InvalidInputError } from '../../shared/errors.ts';
import { withDatabase } from '../command-context.ts';

interface ExportOptions {
  since?: string;
  until?: string;
  format: string;
}

/** Writes one chunk, waiting while stdout's buffer is full: memory holds one batch. */
async function writeChunk(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/** A reader that stopped reading (`| head`) ends the export quietly, as it does for other tools. */
function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/** `aperture audit export`: registered under the `audit` command that commands/audit.ts creates. */
export function registerAuditExportCommand(program: Command): void {
  const audit = program.commands.find((command) => command.name() === 'audit');
  if (!audit) throw new Error('register the audit commands before audit export');
  audit
    .command('export')
    .description(
      'write the sequenced audit events as JSON lines to stdout, oldest first, for a SIEM (fields: index, id, occurredAt, type, actorHumanId, actorChain, intent, subjectKind, subjectId, policyVersion, payload, leafHash)',
    )
    .option('--since <index|time>', 'first log index (0: the whole log), or an ISO 8601 time (inclusive)')
    .option('--until <index|time>', 'log index or ISO 8601 time to stop before (exclusive)')
    .option('--format <format>', 'jsonl (the only one)', 'jsonl')
    .action(async (options: ExportOptions) => {
      const { exportBatches, parseExportRange } = await import('../../audit/read/index.ts');
      let range: ReturnType<typeof parseExportRange>;
      try {
        if (options.format !== 'jsonl') {
          throw new InvalidInputError('export', [{ location: '--format', message: 'must be jsonl' }]);
        }
        range = parseExportRange(options.since, options.until);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        // One line for a script's log: the option and the reason.
        const [problem] = error.problems;
        console.error(`error: ${problem!.location} ${problem!.message}`);
        process.exitCode = 2;
        return;
      }
      endQuietlyOnClosedPipe();
      await withDatabase(async ({ prisma }) => {
        for await (const batch of exportBatches(prisma, range)) {
          await writeChunk(batch.map((row) => `${JSON.stringify(row)}\n`).join(''));
        }
      });
    });
}
