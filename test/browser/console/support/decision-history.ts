import type { RequestSnapshot } from '../../../../src/requests/request-snapshot.ts';
import { insertDecidedRequests } from '../../../mining/workflow-fixture.ts';
import { approvers, financeTeam, marketingTeam } from './company.ts';
import type { ConsoleWorld } from './console-world.ts';

/**
 * A month of decisions, a working day at a time (see `insertDecidedRequests`, the rows the request
 * flow writes, written straight for volume): approvers grant the finance team's agents the
 * customers mart (and once refuse it) and refuse the marketing team's; a rule approves analysts'
 * reads of the orders mart on its own. Mining this history suggests "approve the customers mart
 * for finance" and "deny it to marketing"; the Overview's charts draw it.
 */
export async function writeMonthOfDecisions(world: ConsoleWorld, agentClientId: string): Promise<void> {
  const { prisma } = world.db;
  const agent = await prisma.agent.findUniqueOrThrow({ where: { clientId: agentClientId } });
  const snapshotOf = async (path: string) => {
    const request = await prisma.accessRequest.findFirstOrThrow({ where: { paths: { has: path } } });
    return (request.snapshot as unknown as RequestSnapshot).resources[0]!;
  };
  const customers = await snapshotOf('analytics.marts.customers');
  const orders = await snapshotOf('analytics.marts.fct_orders');
  const approverEmails = approvers.map((approver) => approver.email);
  const finance = financeTeam.map((person) => person.email);
  const marketing = marketingTeam.map((person) => person.email);
  const day = 86_400_000;
  const today = new Date(new Date().toISOString().slice(0, 10)).getTime();
  for (let daysAgo = 30; daysAgo >= 1; daysAgo -= 1) {
    const weekend = [0, 6].includes(new Date(today - daysAgo * day).getUTCDay());
    const morning = new Date(today - daysAgo * day + 8 * 3_600_000);
    const batch = { agentId: agent.id, approvers: approverEmails.slice(daysAgo % 3), start: morning };
    await insertDecidedRequests(prisma, {
      ...batch,
      humans: finance.slice(daysAgo % 4),
      outcome: 'APPROVED',
      count: weekend ? 2 : 6 + (daysAgo % 4),
      resource: customers,
    });
    await insertDecidedRequests(prisma, {
      ...batch,
      humans: marketing.slice(daysAgo % 3),
      outcome: 'DENIED',
      count: weekend ? 0 : 2 + (daysAgo % 3),
      resource: customers,
      start: new Date(morning.getTime() + 30 * 60_000),
    });
    const automatic = await insertDecidedRequests(prisma, {
      ...batch,
      humans: [...finance, 'ana@acme.test'],
      outcome: 'APPROVED',
      count: weekend ? 2 : 6 + (daysAgo % 5),
      resource: orders,
      start: new Date(morning.getTime() + 15 * 60_000),
    });
    await prisma.accessRequest.updateMany({
      where: { id: { in: automatic } },
      data: { decidedBy: 'rule:analysts-internal', ruleId: 'analysts-internal', eligibleApproverIds: [] },
    });
  }
  // The one finance request people refused: the suggestion's disagreeing example.
  await insertDecidedRequests(prisma, {
    agentId: agent.id,
    approvers: ['elena.novak@acme.test'],
    humans: [finance[0]!],
    outcome: 'DENIED',
    count: 1,
    resource: customers,
    start: new Date(today - 12 * day + 14 * 3_600_000),
  });
}
