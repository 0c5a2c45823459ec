import { requestAccessMutation } from '../../../support/requests-fixture.ts';
import type { Client, ConsoleWorld } from './console-world.ts';

/**
 * A working day at the company, set up through the API as agents and approvers would: Ana's
 * quarterly close assistant with its SQL runner sub-agent (a chain of two) and her churn analyst;
 * Chloe's, Mark's and Bob's agents; decisions already made (an approval for a shorter time, two
 * denials with their reasons, an automatic approval by a rule) and requests waiting for the
 * approvers, each with its justification.
 */

export const justifications = {
  close: 'Reconcile Q3 revenue by customer segment for the board pack',
  churn: "Which enterprise customers churned after the June price change, for the board's churn review",
  campaign: 'Audience sizing for the autumn campaign in North America',
} as const;

export interface Scene {
  closeAssistant: Client;
  runner: Client;
  churnAnalyst: Client;
  planner: Client;
  /** Ana's delegation to the close assistant (intent quarterly-close, task Q3-2026-close). */
  closeToken: string;
  /** The SQL runner's token, derived from closeToken. */
  runnerToken: string;
  /** Ana's delegation to the churn analyst (intent analytics, task board-churn-review). */
  churnToken: string;
  /** A request filed (the first pending one's id, for snapshots). */
  pendingCloseRequestId: string;
}

interface Filed {
  requestAccess: { request: { id: string; status: string } };
}

export async function setUpScene(world: ConsoleWorld): Promise<Scene> {
  await world.world.governance.createIntent({
    name: 'quarterly-close',
    description: 'Closing the books at the end of a quarter',
    allowedTiers: ['DISCOVER', 'READ'],
  });
  const closeAssistant = await world.registerAgent({
    name: 'Quarterly close assistant',
    description: 'Prepares the quarter-end close pack',
    intents: ['analytics', 'quarterly-close'],
  });
  const runner = await world.registerAgent({
    name: 'SQL runner',
    description: 'Runs the close assistant’s queries',
    parent: closeAssistant,
    intents: ['quarterly-close'],
  });
  const churnAnalyst = await world.registerAgent({
    name: 'Churn analyst',
    description: 'Answers churn questions',
  });
  const planner = await world.registerAgent({
    name: 'Campaign planner',
    description: 'Plans marketing campaigns',
    owner: 'chloe.martin@acme.test',
  });
  const forecaster = await world.registerAgent({
    name: 'Revenue forecaster',
    description: 'Forecasts revenue for budgets',
    owner: 'mark@acme.test',
  });
  const summarizer = await world.registerAgent({
    name: 'Support summarizer',
    description: 'Summarizes support tickets',
    owner: 'bob@acme.test',
  });

  const closeToken = await world.delegate(closeAssistant, 'ana@acme.test', {
    intent: 'quarterly-close',
    taskId: 'Q3-2026-close',
  });
  const runnerToken = await world.subDelegate(runner, closeToken, 'quarterly-close');
  const churnToken = await world.delegate(churnAnalyst, 'ana@acme.test', { taskId: 'board-churn-review' });
  const plannerToken = await world.delegate(planner, 'chloe.martin@acme.test', { taskId: 'autumn-launch' });
  const forecasterToken = await world.delegate(forecaster, 'mark@acme.test', { taskId: 'budget-2027' });
  const summarizerToken = await world.delegate(summarizer, 'bob@acme.test');

  const file = async (token: string, path: string, justification: string, duration = 'PT8H') => {
    const filed = await world.world.gql<Filed>(token, requestAccessMutation, {
      input: { paths: [path], tier: 'READ', justification, duration },
    });
    if (!filed.data) throw new Error(JSON.stringify(filed.errors));
    return filed.data.requestAccess.request;
  };
  const decide = async (approver: string, verb: 'approve' | 'deny', requestId: string, extra: object) => {
    const decided = await world.world.gql(
      await world.world.humanToken(approver),
      `mutation ($input: DecideAccessRequestInput!) { ${verb}AccessRequest(input: $input) { status } }`,
      { input: { requestId, ...extra } },
    );
    if (decided.errors) throw new Error(JSON.stringify(decided.errors));
  };
  const expectStatus = (request: { status: string }, status: string, what: string) => {
    if (request.status !== status) throw new Error(`${what}: ${request.status}, not ${status}`);
  };

  // Decisions made earlier, then what waits for a decision now.
  const fullExport = await file(
    churnToken,
    'analytics.marts.customers',
    'Full customer export to a spreadsheet',
  );
  await decide('elena.novak@acme.test', 'deny', fullExport.id, {
    reason: 'Use the churn mart; no full customer exports',
  });
  const forecast = await file(
    forecasterToken,
    'analytics.marts.customers',
    'Revenue forecast by customer tier for the 2027 budget',
    'PT4H',
  );
  await decide('rafael.santos@acme.test', 'approve', forecast.id, { duration: 'PT2H' });
  const newsletter = await file(
    plannerToken,
    'analytics.marts.customers',
    'Email list for the spring newsletter',
  );
  await decide('rafael.santos@acme.test', 'deny', newsletter.id, {
    reason: 'Marketing works from the aggregated segments, not customer rows',
  });
  const orders = await file(
    runnerToken,
    'analytics.marts.fct_orders',
    'Revenue by region for the Q3 close pack',
    'PT4H',
  );
  expectStatus(orders, 'APPROVED', 'an analyst reading internal data (rule analysts-internal)');
  await file(summarizerToken, 'analytics.marts.customers', 'Match support tickets to customer accounts');
  const close = await file(closeToken, 'analytics.marts.customers', justifications.close);
  expectStatus(close, 'PENDING', 'the close assistant asking for customers');
  expectStatus(
    await file(churnToken, 'analytics.marts.customers', justifications.churn),
    'PENDING',
    'the churn analyst asking for customers',
  );
  await file(plannerToken, 'analytics.marts.customers', justifications.campaign, 'P1D');
  return {
    closeAssistant,
    runner,
    churnAnalyst,
    planner,
    closeToken,
    runnerToken,
    churnToken,
    pendingCloseRequestId: close.id,
  };
}
