import type { AccessRequest, Prisma } from '../../generated/prisma/client.ts';
import type { JobToSchedule } from '../jobs/job-queue.ts';
import { approvalNoticeJob } from './approval-notifier.ts';
import { type ApprovalPlan, confirmationOnlyPlan } from './approvals/approval-plan.ts';
import { resolveApprovalPlan } from './approvers.ts';
import type { ConfirmationAsked } from './consent/confirmation-asked.ts';
import type { RequestDeps } from './request-deps.ts';
import type { RequestSnapshot } from './request-snapshot.ts';
import type { RuleOutcome } from './rules/evaluate-rules.ts';

/**
 * What a request becomes as it is filed, once the rules have spoken and it is known whether the
 * person must confirm it: its approval plan, whether it is granted at once, and its timers.
 */

/**
 * Who approves what (a routed request), or the plan of a request an approve rule would grant once
 * the person confirms it. Where the rule names nobody who exists for an object, governance decides
 * it. The person's confirmation goes where the rule's requester step puts it, or (governance's
 * sub-agent setting) before the approvers.
 */
export async function planOf(
  tx: Prisma.TransactionClient,
  deps: RequestDeps,
  outcome: RuleOutcome,
  snapshot: RequestSnapshot,
  asked: ConfirmationAsked | null,
  waiting: boolean,
): Promise<ApprovalPlan | null> {
  if (outcome.action === 'approve') return waiting ? confirmationOnlyPlan(outcome.maxSeconds) : null;
  if (outcome.action !== 'route') return null;
  const plan = await resolveApprovalPlan(tx, outcome.routing, snapshot, {
    governanceGroup: deps.governanceGroup,
    escalated: false,
  });
  const fallbacks = plan.steps.flatMap((step, index) =>
    step.objects.filter((object) => object.governance).map((object) => `${index}:${object.path}`),
  );
  if (fallbacks.length > 0) {
    deps.logger.warn(
      { ruleId: outcome.rule?.id ?? null, fallbacks },
      'no eligible approver for some object of a routed request: the governance group approves it',
    );
  }
  return asked && plan.requester === null ? { ...plan, requester: asked.position } : plan;
}

/**
 * The grant's length when the request is approved as it is filed: an approve rule's with nobody to
 * ask (or their standing consent), or a rule that only asks the person, who consented already.
 */
export function approvedSecondsAtOnce(
  outcome: RuleOutcome,
  plan: ApprovalPlan | null,
  waiting: boolean,
  requestedSeconds: number,
): number | null {
  if (waiting) return null;
  if (outcome.action === 'approve') return Math.min(requestedSeconds, outcome.maxSeconds);
  if (outcome.action === 'route' && plan?.steps.length === 0)
    return Math.min(requestedSeconds, outcome.routing.maxDuration ?? requestedSeconds);
  return null;
}

/** The durable timers of a pending request, and whom it asks now (the person, the approvers or both). */
export function pendingJobs(
  request: AccessRequest,
  outcome: RuleOutcome,
  plan: ApprovalPlan | null,
  waiting: boolean,
): JobToSchedule[] {
  const escalation = outcome.action === 'route' ? outcome.routing.escalation : undefined;
  const approversAskedNow = !!plan && plan.steps.length > 0 && (!waiting || plan.requester === 'beside');
  return [
    {
      kind: 'request.expire',
      key: `request.expire:${request.id}`,
      payload: { requestId: request.id },
      runAt: request.expiresAt,
    },
    ...(escalation
      ? [
          {
            kind: 'request.escalate',
            key: `request.escalate:${request.id}`,
            payload: { requestId: request.id },
            runAt: new Date(request.createdAt.getTime() + escalation.after * 1000),
          },
        ]
      : []),
    ...(waiting ? [approvalNoticeJob('consent-asked', request.id)] : []),
    ...(approversAskedNow ? [approvalNoticeJob('routed', request.id)] : []),
  ];
}
