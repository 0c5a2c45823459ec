import type { Command } from 'commander';
import type { PolicyDiff } from '../../policy/store/diff-policies.ts';
import { applyPolicySet } from '../../policy/store/policy-store.ts';
import { readPolicyFile } from '../../policy/store/read-policy-file.ts';
import { withDatabase } from '../command-context.ts';

function formatDiff(diff: PolicyDiff): string {
  return [
    ...diff.added.map((id) => `  + ${id}`),
    ...diff.changed.map((id) => `  ~ ${id}`),
    ...diff.removed.map((id) => `  - ${id}`),
    `  ${diff.unchanged} unchanged`,
  ].join('\n');
}

export function registerPolicyCommands(program: Command): void {
  const policies = program.command('policies').description('the policy set (policies are data, versioned)');
  policies
    .command('apply')
    .argument('<file>', 'a YAML file with the whole policy set (a list, or policies: [...])')
    .option('--dry-run', 'show what would change, change nothing')
    .description(
      'validate the file, show the difference with the current version, and apply it as a new version',
    )
    .action((file: string, options: { dryRun?: boolean }) =>
      withDatabase(async ({ prisma }) => {
        const set = await readPolicyFile(file);
        const result = await applyPolicySet(prisma, set, { dryRun: options.dryRun, source: file });
        console.log(
          `Policies in ${file} compared with version ${result.version - (result.applied ? 1 : 0)}:`,
        );
        console.log(formatDiff(result.diff));
        if (options.dryRun) console.log('Dry run: nothing applied.');
        else if (result.applied) console.log(`Applied as version ${result.version}.`);
        else console.log(`No change: version ${result.version} stays in force.`);
      }),
    );
}
