import type { Command } from 'commander';
import type { SigningKeyStatus } from '../../identity/tokens/signing-key-rotation.ts';
import { isoSeconds } from '../../shared/iso-seconds.ts';
import { withDatabase } from '../command-context.ts';

/** The rotation code, loaded when a keys command runs, not when the command line is read. */
const rotation = () => import('../../identity/tokens/signing-key-rotation.ts');

export function registerKeysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description(
      "aperture's token signing keys (Ed25519, in the database; published at /.well-known/jwks.json)",
    );

  keys
    .command('list')
    .description('each key: its kid, when it was created, and whether it signs, only verifies, or is retired')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async ({ prisma }, _logger, config) => {
        const { listSigningKeys } = await rotation();
        const list = await listSigningKeys(prisma, { tokenTtlSeconds: config.identity.tokenTtlSeconds });
        if (options.json) console.log(JSON.stringify(list.keys, null, 2));
        else if (list.keys.length === 0)
          console.log(
            'No signing key yet: the service creates one when it first signs a token (or run aperture keys rotate).',
          );
        else for (const line of keyTable(list.keys, list.now)) console.log(line);
      }),
    );

  keys
    .command('rotate')
    .description(
      'create a key that signs from now on; tokens signed by the older keys keep verifying until you retire them',
    )
    .action(() =>
      withDatabase(async ({ prisma }, _logger, config) => {
        const { keySwitchMarginSeconds, rotateSigningKey } = await rotation();
        const rotated = await rotateSigningKey(prisma, { tokenTtlSeconds: config.identity.tokenTtlSeconds });
        console.log(
          `Key ${rotated.kid} signs from now on (every replica switches to it through the change feed).`,
        );
        if (rotated.verifying.length === 0) return;
        const { seconds, setBy } = rotated.lifetime;
        console.log(
          `Tokens signed by the older keys keep verifying. They live at most ${seconds} s (${setBy}); with ${keySwitchMarginSeconds} s for every replica to switch, retire:`,
        );
        for (const key of rotated.verifying)
          console.log(`  ${retireWhen(key, rotated.createdAt)}: aperture keys retire ${key.kid}`);
      }),
    );

  keys
    .command('retire')
    .argument('<kid>', 'the key id (aperture keys list)')
    .option('--force', 'retire it even if tokens it signed may still be live (they are refused at once)')
    .description('retire a key that no longer signs: every replica refuses the tokens it signed from now on')
    .action((kid: string, options: { force?: boolean }) =>
      withDatabase(async ({ prisma }, _logger, config) => {
        const { retireSigningKey } = await rotation();
        const retired = await retireSigningKey(prisma, kid, {
          tokenTtlSeconds: config.identity.tokenTtlSeconds,
          force: options.force,
        });
        console.log(
          `Key ${retired.kid} retired at ${isoSeconds(retired.retiredAt)}: every replica refuses the tokens it signed.`,
        );
        if (retired.refusedTokensUntil)
          console.log(
            `Forced: tokens it signed that could have lived until ${isoSeconds(retired.refusedTokensUntil)} are refused now.`,
          );
      }),
    );
}

/** When a verifying key can be retired: `now`, or `after <time>`; empty for other keys. */
function retireWhen(key: SigningKeyStatus, now: Date): string {
  if (!key.retirableAt) return '';
  return key.retirableAt <= now ? 'now' : `after ${isoSeconds(key.retirableAt)}`;
}

/** KID, CREATED, STATE (`signing`, `verifying`, `retired <time>`), and when a verifying key can be retired. */
function keyTable(keys: readonly SigningKeyStatus[], now: Date): string[] {
  const rows = [
    ['KID', 'CREATED', 'STATE', 'RETIRE'],
    ...keys.map((key) => [
      key.kid,
      isoSeconds(key.createdAt),
      key.state === 'retired' ? `retired ${isoSeconds(key.retiredAt!)}` : key.state,
      retireWhen(key, now),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}
