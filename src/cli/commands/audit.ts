import type { Command } from 'commander';
import { verifyAuditChain } from '../../audit/index.ts';
import { withDatabase } from '../command-context.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('recompute the hash chain and name the first broken link')
    .action(() =>
      withDatabase(async ({ prisma }) => {
        const result = await verifyAuditChain(prisma);
        if (result.ok) {
          console.log(`Audit chain intact: ${result.eventsChecked} events verified.`);
          return;
        }
        console.error(`Audit chain BROKEN at event ${result.brokenLink!.seq}: ${result.brokenLink!.reason}`);
        console.error(`${result.eventsChecked} events before it verified.`);
        process.exitCode = 1;
      }),
    );
}
