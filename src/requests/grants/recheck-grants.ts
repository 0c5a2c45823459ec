import type { Person, Prisma } from '../../../generated/prisma/client.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import { planProgress } from '../approvals/approval-plan.ts';
import { resolveApprovalPlan } from '../approvers.ts';
import type { RequestDeps } from '../request-deps.ts';
import { type RequestSnapshot, snapshotObject } from '../request-snapshot.ts';
import { evaluateRules, type RuleOutcome } from '../rules/evaluate-rules.ts';
import { approverSteps } from '../rules/rule-schema.ts';
import { endGrant } from './end-grant.ts';

/** Schedules a check of the grants of people whose attributes changed (in the change's transaction). */
export async function scheduleGrantRechecks(tx: Prisma.TransactionClient, humanIds: string[]): Promise<void> {
  const chunks: string[][] = [];
  for (let start = 0; start < humanIds.length; start += 500) chunks.push(humanIds.slice(start, start + 500));
  await scheduleJobs(
    tx,
    chunks.map((chunk) => ({ kind: 'grants.recheck', payload: { humanIds: chunk }, runAt: new Date() })),
  );
}

/** The person's attributes now, in the shape a request's snapshot keeps them. */
export function currentHuman(
  snapshot: RequestSnapshot,
  person: Pick<Person, 'email' | 'department' | 'region' | 'title' | 'groups' | 'attributes'> & {
    manager: { email: string } | null;
  },
): RequestSnapshot['human'] {
  return {
    ...snapshot.human,
    email: person.email,
    department: person.department,
    region: person.region,
    title: person.title,
    groups: person.groups,
    manager: person.manager?.email ?? null,
    attributes: person.attributes as RequestSnapshot['human']['attributes'],
  };
}

/**
 * A grant a rule gave still stands while that rule approves it: an approve rule, or the route rule
 * that only asked the person's confirmation (no approver step).
 */
function stillApprovedByRule(outcome: RuleOutcome, ruleId: string | null): boolean {
  if (outcome.action === 'approve') return true;
  return (
    outcome.action === 'route' && outcome.rule?.id === ruleId && approverSteps(outcome.routing).length === 0
  );
}

/**
 * Revokes the grants that no longer hold after their human changed: the human left, the rules now
 * deny the request, a rule's approval no longer applies, or an approver is no longer eligible to
 * approve it (e.g. the human has a new manager).
 */
export async function recheckGrants(deps: RequestDeps, humanIds: readonly string[]): Promise<number> {
  const grants = await deps.prisma.grant.findMany({
    where: { status: 'ACTIVE', humanId: { in: [...humanIds] } },
    include: { request: { include: { approvals: true } } },
  });
  if (grants.length === 0) return 0;
  const [people, agents, { rules }] = await Promise.all([
    deps.prisma.person.findMany({
      where: { id: { in: [...new Set(grants.map((grant) => grant.humanId))] } },
      include: { manager: { select: { email: true } } },
    }),
    deps.prisma.agent.findMany({
      where: { id: { in: grants.map((grant) => grant.request.agentId) } },
      select: { id: true, clientId: true },
    }),
    deps.rules.get(),
  ]);
  const personById = new Map(people.map((person) => [person.id, person]));
  const clientIdOf = new Map(agents.map((agent) => [agent.id, agent.clientId]));
  let revoked = 0;
  for (const grant of grants) {
    const person = personById.get(grant.humanId);
    const { request } = grant;
    const snapshot = request.snapshot as unknown as RequestSnapshot;
    const human = person && currentHuman(snapshot, person);
    let reason: string | null = null;
    if (!person?.active || !human) reason = 'the human is no longer active';
    else {
      const outcome = evaluateRules(rules, {
        human,
        agentClientId: clientIdOf.get(request.agentId) ?? '',
        intent: request.intent,
        resources: snapshot.resources.map(snapshotObject),
        tier: request.tier,
        requestedSeconds: request.requestedDurationSeconds,
        // As at the request: a time window that has closed since does not undo a decision, nor
        // does the door it came through (a rule for MCP requests still covers an MCP grant).
        at: request.createdAt,
        channel: snapshot.channel ?? null,
      });
      const byRule = request.decidedBy?.startsWith('rule:') ?? false;
      if (outcome.action === 'deny') reason = `rule ${outcome.rule.id} now denies it: ${outcome.reason}`;
      else if (byRule && !stillApprovedByRule(outcome, request.ruleId))
        reason = 'the rule that approved it no longer applies';
      else if (!byRule && outcome.action === 'route') {
        // Approvers added by an escalation stay eligible when the request was escalated. The
        // approvals must still fill every step for every object with people eligible now.
        const plan = await resolveApprovalPlan(
          deps.prisma,
          outcome.routing,
          { ...snapshot, human },
          { governanceGroup: deps.governanceGroup, escalated: request.escalated },
        );
        if (!planProgress(plan, request.approvals).approved)
          reason = 'an approver is no longer eligible to approve it';
      }
    }
    if (!reason) continue;
    const ended = await deps.prisma.$transaction((tx) =>
      endGrant(tx, grant, { status: 'REVOKED', by: 'system:attributes-changed', reason }),
    );
    if (ended) revoked += 1;
  }
  return revoked;
}
