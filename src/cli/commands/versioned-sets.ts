import type { Command } from 'commander';
import type { PrismaClient } from '../../db/open-database.ts';
import type { ApplyResult } from '../../versioned-sets/apply-versioned-set.ts';
import { formatDiff } from '../../versioned-sets/diff-by-id.ts';
import { withDatabase } from '../command-context.ts';

interface VersionedSetCommand<T> {
  /** The command and the file's key: `policies`, `rules`. */
  noun: 'policies' | 'rules';
  description: string;
  /** The store's code, loaded when the command runs. */
  store(): Promise<{
    read(file: string): Promise<T[]>;
    apply(
      prisma: PrismaClient,
      items: T[],
      options: { dryRun?: boolean | undefined; source: string },
    ): Promise<ApplyResult>;
  }>;
}

function registerApplyCommand<T>(program: Command, command: VersionedSetCommand<T>): void {
  const { noun } = command;
  program
    .command(noun)
    .description(command.description)
    .command('apply')
    .argument('<file>', `a YAML file with the whole set (a list, or ${noun}: [...])`)
    .option('--dry-run', 'show what would change, change nothing')
    .description(
      'validate the file, show the difference with the current version, and apply it as a new version',
    )
    .action((file: string, options: { dryRun?: boolean }) =>
      withDatabase(async ({ prisma }) => {
        const store = await command.store();
        const items = await store.read(file);
        const result = await store.apply(prisma, items, { dryRun: options.dryRun, source: file });
        const title = noun[0]!.toUpperCase() + noun.slice(1);
        console.log(
          `${title} in ${file} compared with version ${result.version - (result.applied ? 1 : 0)}:`,
        );
        console.log(formatDiff(result.diff));
        if (options.dryRun) console.log('Dry run: nothing applied.');
        else if (result.applied) console.log(`Applied as version ${result.version}.`);
        else console.log(`No change: version ${result.version} stays in force.`);
      }),
    );
}

export function registerVersionedSetCommands(program: Command): void {
  registerApplyCommand(program, {
    noun: 'policies',
    description: 'the policy set (policies are data, versioned)',
    store: async () => {
      const { applyPolicySet, readPolicyFile } = await import('../../policy/store/policy-store.ts');
      return { read: readPolicyFile, apply: applyPolicySet };
    },
  });
  registerApplyCommand(program, {
    noun: 'rules',
    description: 'the ordered rules that decide access requests (data, versioned)',
    store: async () => {
      const { applyRuleSet, readRuleFile } = await import('../../requests/rules/rule-store.ts');
      return { read: readRuleFile, apply: applyRuleSet };
    },
  });
}
