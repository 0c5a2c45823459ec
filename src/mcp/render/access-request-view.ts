import { z } from 'zod';
import type { AccessRequest, Grant } from '../../../generated/prisma/client.ts';
import {
  AccessRequestStatus,
  ConsentState,
  GrantScope,
  GrantStatus,
  Tier,
} from '../../../generated/prisma/enums.ts';
import type { Viewer } from '../../identity/viewer.ts';
import type { ApprovalStepView } from '../../requests/approvals/approval-status.ts';
import type { RequestsModule } from '../../requests/requests-module.ts';
import { fitItems, type ToolAnswer } from '../budget/fit-to-budget.ts';

/** A grant as an agent is shown it (the fields of GraphQL's Grant that matter to an agent). */
export const grantViewSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  status: z.enum(GrantStatus),
  paths: z.array(z.string()),
  tier: z.enum(Tier),
  scope: z.enum(GrantScope).describe('TIME: until it expires. TASK: also only within its task.'),
  taskId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
});

export type GrantView = z.output<typeof grantViewSchema>;

const approvalStepSchema = z.object({
  name: z.string().nullable(),
  required: z.number().int().describe('Distinct approvals each object needs in this step.'),
  satisfied: z.boolean(),
  open: z.boolean().describe('Approvals count in this step now.'),
  objects: z.array(
    z.object({
      path: z.string(),
      approvals: z.number().int(),
      waiting: z.boolean().describe('Fewer approvals than the step requires.'),
    }),
  ),
});

/** A request as its agent sees it: no approver is ever named (an agent cannot press or be one). */
export const requestViewSchema = z.object({
  id: z.string(),
  status: z
    .enum(AccessRequestStatus)
    .describe('PENDING until decided once: APPROVED (a grant exists), DENIED, EXPIRED or CANCELLED.'),
  paths: z.array(z.string()),
  tier: z.enum(Tier),
  scope: z.enum(GrantScope),
  requestedDurationSeconds: z.number().int(),
  approvedDurationSeconds: z.number().int().nullable(),
  ruleId: z.string().nullable().describe('The rule that decided or routed it; null: routed to the owners.'),
  decidedBy: z
    .string()
    .nullable()
    .describe('rule:<id>, person:<id>, agent:<id> (cancelled) or system:expiry.'),
  reason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  pendingUntil: z.string().describe('When it expires if nobody decides it.'),
  personConfirmation: z
    .enum(ConsentState)
    .describe(
      'Whether the person it is made for must confirm it themselves (in Slack or the console): NOT_ASKED, WAITING, GIVEN, or REFUSED ("not me"). Only they can give it; nothing an agent says counts.',
    ),
  waitingFor: z
    .array(approvalStepSchema)
    .describe('While PENDING: each approval step and what it still waits for. Empty once decided.'),
  grant: grantViewSchema.nullable().describe('The grant it made (or extends), if any.'),
});

export type RequestView = z.output<typeof requestViewSchema>;

export function grantView(grant: Grant): GrantView {
  return {
    id: grant.id,
    requestId: grant.requestId,
    status: grant.status,
    paths: grant.paths,
    tier: grant.tier,
    scope: grant.scope,
    taskId: grant.taskId,
    createdAt: grant.createdAt.toISOString(),
    expiresAt: grant.expiresAt.toISOString(),
    endedAt: grant.endedAt?.toISOString() ?? null,
    endReason: grant.endReason,
  };
}

/** The approval steps as an agent sees them: counts and what waits, never people. */
function stepsForAgent(steps: readonly ApprovalStepView[]): RequestView['waitingFor'] {
  return steps.map(({ name, required, satisfied, open, objects }) => ({
    name,
    required,
    satisfied,
    open,
    objects: objects.map(({ path, approvals, waiting }) => ({ path, approvals, waiting })),
  }));
}

/** A request, what it waits for and its grant, read through the same module calls as GraphQL's fields. */
export async function requestView(
  requests: RequestsModule,
  viewer: Viewer,
  request: AccessRequest,
): Promise<RequestView> {
  const [steps, grant] = await Promise.all([
    request.status === 'PENDING' ? requests.approvalSteps(viewer, request) : [],
    requests.grantOf(request),
  ]);
  return {
    id: request.id,
    status: request.status,
    paths: request.paths,
    tier: request.tier,
    scope: request.scope,
    requestedDurationSeconds: request.requestedDurationSeconds,
    approvedDurationSeconds: request.approvedDurationSeconds,
    ruleId: request.ruleId,
    decidedBy: request.decidedBy,
    reason: request.decisionReason,
    createdAt: request.createdAt.toISOString(),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    pendingUntil: request.expiresAt.toISOString(),
    personConfirmation: request.consent,
    waitingFor: stepsForAgent(steps),
    grant: grant ? grantView(grant) : null,
  };
}

/** One line per grant: what, how, until when. */
export function grantLine(grant: GrantView): string {
  const task = grant.taskId ? `, task ${grant.taskId}` : '';
  const ended = grant.endedAt
    ? `, ended ${grant.endedAt}${grant.endReason ? ` (${grant.endReason})` : ''}`
    : '';
  return `grant ${grant.id} ${grant.status} ${grant.tier} on ${grant.paths.join(', ')} (${grant.scope}${task}) until ${grant.expiresAt}${ended}`;
}

/** What the request waits for, in a sentence per open step. */
function waitingLines(view: RequestView): string[] {
  return view.waitingFor
    .filter((step) => step.open)
    .map((step) => {
      const waiting = step.objects.filter((object) => object.waiting);
      const objects = waiting
        .map((object) => `${object.path} (${object.approvals}/${step.required})`)
        .join(', ');
      return `waiting for approval${step.name ? ` in step ${step.name}` : ''}: ${objects}`;
    });
}

/** The longest a call waits for a decision: under the minute most clients (the SDK too) allow a request. */
export const maxWaitSeconds = 50;

/** The compact text of a request: status, decision, what it waits for, its grant, what to do next. */
export function requestText(view: RequestView): string[] {
  const rule = view.ruleId ? ` by rule ${view.ruleId}` : '';
  const lines = [`access request ${view.id}: ${view.status} (${view.tier} on ${view.paths.join(', ')})`];
  switch (view.status) {
    case 'PENDING':
      lines.push(
        `routed to human approvers${rule}; it expires undecided at ${view.pendingUntil}`,
        ...(view.personConfirmation === 'WAITING'
          ? [
              'waiting for the person it is made for to confirm it themselves, in Slack or the console (an agent cannot confirm it)',
            ]
          : []),
        ...waitingLines(view),
        `to wait for the decision: call get_access_request with id ${view.id} and wait_seconds (up to ${maxWaitSeconds})`,
      );
      break;
    case 'APPROVED': {
      const approved = `approved${view.decidedBy?.startsWith('rule:') ? rule : ''}`;
      // A rule's own reason may say just that; it is not said twice.
      lines.push(view.reason && view.reason !== approved ? `${approved}: ${view.reason}` : approved);
      break;
    }
    default:
      lines.push(
        `${view.status.toLowerCase()}${view.decidedBy ? ` by ${view.decidedBy}` : ''}${view.reason ? `: ${view.reason}` : ''}`,
      );
  }
  if (view.grant) {
    lines.push(grantLine(view.grant));
    if (view.grant.status === 'ACTIVE') lines.push('the grant counts from your next call');
  }
  return lines;
}

/**
 * A request's answer within the budget. A request may name up to 50 long paths, shown in its
 * paths, in every approval step and in its grant: when they do not all fit, the answer shows the
 * first ones that do (with what waits and what was granted for those) and says how many more the
 * request holds (the agent named them itself).
 */
export function fitRequestAnswer<T>(
  view: RequestView,
  budget: number,
  build: (view: RequestView, pathsNotShown: number) => ToolAnswer<T>,
): ToolAnswer<T> {
  return fitItems(view.paths, budget, (kept, left) =>
    build(left === 0 ? view : withPaths(view, new Set(kept)), left),
  ).answer;
}

function withPaths(view: RequestView, kept: ReadonlySet<string>): RequestView {
  return {
    ...view,
    paths: view.paths.filter((path) => kept.has(path)),
    waitingFor: view.waitingFor.map((step) => ({
      ...step,
      objects: step.objects.filter((object) => kept.has(object.path)),
    })),
    grant: view.grant && { ...view.grant, paths: view.grant.paths.filter((path) => kept.has(path)) },
  };
}

/** The line that says a request holds more paths than its answer shows. */
export function pathsNotShownLine(count: number): string[] {
  return count > 0 ? [`${count} more paths of this request are not shown (the answer's size budget)`] : [];
}

export const pathsNotShownSchema = z
  .number()
  .int()
  .describe("Paths of the request left out of this answer to keep it within the answer's size budget.");
