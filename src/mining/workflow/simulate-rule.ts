import type { PrismaClient } from '../../db/open-database.ts';
import type { Rule } from '../../requests/rules/rule-schema.ts';
import { currentRuleSet } from '../../requests/rules/rule-store.ts';
import { decidedRequestBatches } from './decided-request-batches.ts';
import { RuleSimulation, type RuleSimulationResult } from './rule-simulation.ts';

/**
 * Backtests a draft rule (validated by the caller like an authored one) over every
 * request a person decided, rebuilding what the rules would have seen from each request's
 * snapshot: the human's attributes, the objects, the agent, intent, tier, duration and time.
 * Requests a person called "not me" are replayed apart: how many the draft would approve.
 */
export async function simulateRule(prisma: PrismaClient, draft: Rule): Promise<RuleSimulationResult> {
  const { rules } = await currentRuleSet(prisma);
  const simulation = new RuleSimulation(draft, rules);
  for await (const batch of decidedRequestBatches(prisma)) {
    for (const request of batch.requests) {
      simulation.add({
        id: request.id,
        outcome: request.outcome,
        notMe: request.consent === 'NOT_ME',
        facts: {
          human: request.human,
          agentClientId: batch.lookups.agentClientId(request.agentId) ?? request.agentId,
          intent: request.intent,
          resources: request.resources,
          tier: request.tier,
          requestedSeconds: request.requestedSeconds,
          at: request.createdAt,
          channel: request.channel ?? null,
        },
      });
    }
  }
  return simulation.result();
}
