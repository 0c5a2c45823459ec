import type { AccessRequest } from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { isHuman, type Viewer } from '../../identity/viewer.ts';
import { planOf, planProgress } from './approval-plan.ts';

export interface ApproverView {
  name: string;
  email: string;
}

/** One requested object in one step: how many approvals it has there and whether it still waits. */
export interface StepObjectView {
  path: string;
  approvals: number;
  waiting: boolean;
  /** Who may approve it in this step; null when the viewer is not shown people (agents). */
  approvers: ApproverView[] | null;
  approvedBy: ApproverView[] | null;
}

export interface ApprovalStepView {
  name: string | null;
  required: number;
  satisfied: boolean;
  /** Approvals count in this step now (pending, unsatisfied and, for ordered steps, the current one). */
  open: boolean;
  objects: StepObjectView[];
}

/**
 * Whom a viewer is shown approvers to. Humans who may see
 * the request (its human, its approvers, governance) see who may approve each object and who did;
 * an agent sees what still waits, never who its approvers are: it cannot approve, and has no need
 * to know whom to press.
 */
export function showsApprovers(viewer: Viewer): boolean {
  return isHuman(viewer);
}

/**
 * Where a routed request's approval steps stand; with `people`, who may approve each object and who
 * did (see showsApprovers). Requests decided by a rule have no steps.
 */
export async function approvalStatus(
  prisma: PrismaClient,
  request: AccessRequest,
  options: { people: boolean },
): Promise<ApprovalStepView[]> {
  if (!request.routing && !request.approvalPlan) return [];
  const plan = planOf(request);
  const approvals = await prisma.accessApproval.findMany({
    where: { requestId: request.id },
    select: { approverId: true, step: true },
  });
  const progress = planProgress(plan, approvals);
  const showPeople = options.people;
  const ids = new Set(plan.steps.flatMap((step) => step.objects.flatMap((object) => object.eligible)));
  const people = showPeople
    ? await prisma.person.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, name: true, email: true },
      })
    : [];
  const byId = new Map(people.map((person) => [person.id, { name: person.name, email: person.email }]));
  const named = (personIds: string[]) =>
    showPeople
      ? personIds.flatMap((id) => byId.get(id) ?? []).sort((a, b) => a.name.localeCompare(b.name))
      : null;
  return progress.steps.map((step) => ({
    name: step.name,
    required: step.required,
    satisfied: step.satisfied,
    open: step.open && request.status === 'PENDING',
    objects: step.objects.map((object) => ({
      path: object.path,
      approvals: object.approvedBy.length,
      waiting: object.waiting,
      approvers: named(object.eligible),
      approvedBy: named(object.approvedBy),
    })),
  }));
}
