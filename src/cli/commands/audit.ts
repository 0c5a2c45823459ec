import type { Command } from 'commander';
import type { AuditConfig } from '../../audit/log/audit-config.ts';
import type { NoteVerifier } from '../../audit/log/signed-note.ts';
import { commandConfig, withDatabase, withServices } from '../command-context.ts';

/** The audit log's code, loaded when an audit command runs, not when the command line is read. */
async function auditLogCode() {
  const [auditLog, checkpointKey, checkpointSources, merkleTree, signedNote, storedLog] = await Promise.all([
    import('../../audit/log/audit-log.ts'),
    import('../../audit/log/checkpoint-key.ts'),
    import('../../audit/log/checkpoint-sources.ts'),
    import('../../audit/log/merkle-tree.ts'),
    import('../../audit/log/signed-note.ts'),
    import('../../audit/log/stored-log.ts'),
  ]);
  return { ...auditLog, ...checkpointKey, ...checkpointSources, ...merkleTree, ...signedNote, ...storedLog };
}

interface CheckpointOptions {
  checkpoint?: string;
  key?: string;
}

/** The log's verifier: `--key`, or the public half of the configured signing key. */
async function verifierFor(config: AuditConfig, key: string | undefined): Promise<NoteVerifier> {
  const { loadCheckpointKey, parseVerifierKey, verifierKeyString } = await auditLogCode();
  if (key) {
    const verifier = parseVerifierKey(key);
    if (!verifier)
      throw new Error(
        '--key: not a verifier key (<origin>+<key id>+<base64 key>, as /.well-known/aperture-audit-checkpoint shows it)',
      );
    return verifier;
  }
  const source = config.key.kind === 'file' ? { ...config.key, createIfMissing: false } : config.key;
  const { signer } = await loadCheckpointKey(config.origin, source);
  return parseVerifierKey(verifierKeyString(signer.name, signer.publicKey))!;
}

/** Where checkpoints held outside the database are: `--checkpoint`, else the configured file witnesses. */
function checkpointSources(config: AuditConfig, given: string | undefined): string[] {
  if (given) return [given];
  return config.witnesses.flatMap((witness) => (witness.kind === 'file' ? [witness.file] : []));
}

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('the tamper-evident audit log (a Merkle log with signed checkpoints)');
  audit
    .command('verify')
    .description(
      'recompute the Merkle tree from the stored events and check it against signed checkpoints held outside the database',
    )
    .option(
      '--checkpoint <file|url>',
      'a witness file, a checkpoint note, or a URL such as https://host/.well-known/aperture-audit-checkpoint',
    )
    .option('--key <verifier key>', "the log's public key (default: from the configured signing key)")
    .action((options: CheckpointOptions) =>
      withDatabase(async ({ prisma }) => {
        const { openCheckpoints, readCheckpointNotes, verifyStoredLog } = await auditLogCode();
        const config = commandConfig().audit;
        const sources = checkpointSources(config, options.checkpoint);
        if (sources.length === 0) {
          console.error(
            'No checkpoint to verify against: give --checkpoint <witness file or URL> (a file witness is configured with APERTURE_AUDIT_WITNESSES=file:/path).',
          );
          process.exitCode = 2;
          return;
        }
        const verifier = await verifierFor(config, options.key);
        const notes = (await Promise.all(sources.map(readCheckpointNotes))).flat();
        const opened = openCheckpoints(notes, verifier, config.origin);
        if ('problem' in opened) {
          console.error(`Audit checkpoints REFUSED: ${opened.problem}`);
          process.exitCode = 1;
          return;
        }
        if (opened.checkpoints.length === 0) {
          console.error(`No checkpoint in ${sources.join(', ')} yet.`);
          process.exitCode = 2;
          return;
        }
        const result = await verifyStoredLog(prisma, opened.checkpoints);
        const largest = Math.max(...opened.checkpoints.map((checkpoint) => checkpoint.size));
        if (!result.ok) {
          console.error(`Audit log BROKEN at index ${result.problem!.index}: ${result.problem!.reason}`);
          console.error(`${result.eventsChecked} events before it verified.`);
          process.exitCode = 1;
          return;
        }
        console.log(
          `Audit log intact: ${result.eventsChecked} events verified; consistent with ${opened.checkpoints.length} signed checkpoints up to size ${largest}.`,
        );
        if (result.unsequenced > 0)
          console.log(`${result.unsequenced} newer events are not in a checkpoint yet.`);
      }),
    );
  audit
    .command('checkpoint')
    .description(
      'sequence the events waiting, then sign and publish a checkpoint now (the running service does this every second)',
    )
    .action(() =>
      withServices(async ({ auditLog: log }) => {
        const sequenced = await log.sequencer.runOnce();
        const latest = await log.latest();
        const failing = log.witnesses().filter((witness) => !witness.ok);
        console.log(
          latest
            ? `Sequenced ${sequenced} events; the newest checkpoint covers ${latest.size} (published to ${log.witnesses().length - failing.length} of ${log.witnesses().length} witnesses).`
            : 'The audit log is empty: nothing to sign.',
        );
        for (const witness of failing)
          console.error(`Witness ${witness.name} did not take it: ${witness.lastError}`);
        if (failing.length > 0) process.exitCode = 1;
      }),
    );
  audit
    .command('prove <index>')
    .description(
      'print an inclusion proof of one event that anyone can check against a checkpoint, without the database',
    )
    .option(
      '--checkpoint <file|url>',
      'the checkpoint to prove against (default: the newest in the configured file witness)',
    )
    .option('--key <verifier key>', "the log's public key (default: from the configured signing key)")
    .action((index: string, options: CheckpointOptions) =>
      withDatabase(async ({ prisma }) => {
        const { openCheckpoints, proveInclusion, readCheckpointNotes, verifierKeyString } =
          await auditLogCode();
        if (!/^\d{1,15}$/.test(index)) {
          console.error('<index>: a log index, a whole number from 0');
          process.exitCode = 2;
          return;
        }
        const config = commandConfig().audit;
        const verifier = await verifierFor(config, options.key);
        const notes = (
          await Promise.all(checkpointSources(config, options.checkpoint).map(readCheckpointNotes))
        ).flat();
        const opened = openCheckpoints(notes, verifier, config.origin);
        if ('problem' in opened) {
          console.error(`Audit checkpoints REFUSED: ${opened.problem}`);
          process.exitCode = 1;
          return;
        }
        const covering = opened.checkpoints
          .filter((checkpoint) => checkpoint.size > Number(index))
          .sort((a, b) => b.size - a.size)[0];
        if (!covering) {
          console.error(`No signed checkpoint covers index ${index} yet.`);
          process.exitCode = 2;
          return;
        }
        const proof = await proveInclusion(prisma, BigInt(index), covering.size);
        if (!proof) {
          console.error(
            `Index ${index} cannot be proven: the stored log does not hold the events up to ${covering.size}.`,
          );
          process.exitCode = 1;
          return;
        }
        const note = notes[opened.checkpoints.indexOf(covering)]!;
        console.log(
          JSON.stringify(
            { ...proof, checkpoint: note, publicKey: verifierKeyString(verifier.name, verifier.publicKey) },
            null,
            2,
          ),
        );
      }),
    );
  audit
    .command('consistency <oldSize> [newSize]')
    .description(
      'print a consistency proof that the signed checkpoint of <oldSize> is a prefix of the one of [newSize] (default: the newest), to check without the database',
    )
    .option(
      '--checkpoint <file|url>',
      'where the signed checkpoints are (default: the configured file witnesses, then the database)',
    )
    .option('--key <verifier key>', "the log's public key (default: from the configured signing key)")
    .action((oldSize: string, newSize: string | undefined, options: CheckpointOptions) =>
      withDatabase(async ({ prisma }) => {
        const {
          openCheckpoints,
          proveConsistency,
          readCheckpointNotes,
          verifierKeyString,
          verifyConsistency,
        } = await auditLogCode();
        if (!/^[1-9]\d{0,14}$/.test(oldSize) || (newSize !== undefined && !/^[1-9]\d{0,14}$/.test(newSize))) {
          console.error('<oldSize> [newSize]: tree sizes, whole numbers from 1');
          process.exitCode = 2;
          return;
        }
        const config = commandConfig().audit;
        const verifier = await verifierFor(config, options.key);
        // The database's copies are as good as a witness's here: each note is checked with the key.
        const stored = await prisma.auditCheckpoint.findMany({ orderBy: { size: 'asc' } });
        const notes = [
          ...(
            await Promise.all(checkpointSources(config, options.checkpoint).map(readCheckpointNotes))
          ).flat(),
          ...(options.checkpoint ? [] : stored.map((row) => row.note)),
        ];
        const opened = openCheckpoints(notes, verifier, config.origin);
        if ('problem' in opened) {
          console.error(`Audit checkpoints REFUSED: ${opened.problem}`);
          process.exitCode = 1;
          return;
        }
        const noteOf = (size: number) => {
          const position = opened.checkpoints.findIndex((checkpoint) => checkpoint.size === size);
          return position < 0
            ? undefined
            : { checkpoint: opened.checkpoints[position]!, note: notes[position]! };
        };
        const to = newSize ? Number(newSize) : Math.max(0, ...opened.checkpoints.map((c) => c.size));
        const older = noteOf(Number(oldSize));
        const newer = noteOf(to);
        if (!older || !newer || Number(oldSize) > to) {
          console.error(
            `No signed checkpoint of size ${!older ? oldSize : to}${Number(oldSize) > to ? ` (or ${oldSize} is larger than ${to})` : ''}: sizes signed are ${[...new Set(opened.checkpoints.map((c) => c.size))].sort((a, b) => a - b).join(', ') || 'none'}.`,
          );
          process.exitCode = 2;
          return;
        }
        const proof = await proveConsistency(prisma, older.checkpoint.size, newer.checkpoint.size);
        const holds =
          proof &&
          verifyConsistency(
            proof.oldSize,
            proof.newSize,
            proof.proof.map((hash) => Buffer.from(hash, 'hex')),
            older.checkpoint.root,
            newer.checkpoint.root,
          );
        if (!proof || !holds) {
          console.error(
            `No consistency proof from ${older.checkpoint.size} to ${newer.checkpoint.size}: the stored log no longer matches these signed checkpoints (run aperture audit verify).`,
          );
          process.exitCode = 1;
          return;
        }
        console.log(
          JSON.stringify(
            {
              ...proof,
              oldCheckpoint: older.note,
              newCheckpoint: newer.note,
              publicKey: verifierKeyString(verifier.name, verifier.publicKey),
            },
            null,
            2,
          ),
        );
      }),
    );
}
