import { z } from 'zod';

/**
 * Who must approve a routed request, resolved once when it is routed: for every step of the rule
 * and every requested object, the people eligible to approve that object in that step. Stored on
 * the request (validated by this schema when read back); the functions here are pure.
 *
 * A step is satisfied when EVERY requested object has at least `required` distinct approvals in
 * that step from people eligible for that object; the request is approved when every step is.
 */
export const approvalPlanSchema = z
  .object({
    ordered: z.boolean(),
    /**
     * The person the request is made for confirms it first (approvers are asked once they did) or
     * beside the approvers; null: not asked. Their confirmation is no approval and counts in no
     * step (src/requests/consent/).
     */
    requester: z.enum(['before', 'beside']).nullable().default(null),
    /**
     * A request an approve rule would have granted at once, waiting only for the requester's
     * confirmation: the most it is granted for then. Null: a routed request (its routing says).
     */
    approveUpToSeconds: z.number().int().positive().nullable().default(null),
    steps: z.array(
      z
        .object({
          name: z.string().nullable(),
          required: z.number().int().min(1),
          objects: z.array(
            z
              .object({
                path: z.string(),
                /** Person ids, sorted. */
                eligible: z.array(z.string()),
                /** Nobody the rule names could approve it: governance stands in. */
                governance: z.boolean(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict()
  .refine((plan) => plan.steps.length > 0 || plan.requester !== null, {
    message: 'a plan has approval steps or asks the requester',
  });

export type ApprovalPlan = z.infer<typeof approvalPlanSchema>;

/** An approval as the plan counts it: who, and the step it was recorded in. */
export interface CountedApproval {
  approverId: string;
  step: number;
}

export interface ObjectProgress {
  path: string;
  eligible: string[];
  /** Approvers of this step who are eligible for this object. */
  approvedBy: string[];
  waiting: boolean;
}

export interface StepProgress {
  index: number;
  name: string | null;
  required: number;
  objects: ObjectProgress[];
  satisfied: boolean;
  /** Approvals are taken in this step now (unsatisfied and, when ordered, the first such). */
  open: boolean;
}

export interface PlanProgress {
  steps: StepProgress[];
  approved: boolean;
}

/** Where each step and object stands with these approvals. */
export function planProgress(plan: ApprovalPlan, approvals: readonly CountedApproval[]): PlanProgress {
  let earlierOpen = false;
  const steps = plan.steps.map((step, index): StepProgress => {
    const inStep = approvals.filter((approval) => approval.step === index).map((a) => a.approverId);
    const objects = step.objects.map((object) => {
      const approvedBy = inStep.filter((id) => object.eligible.includes(id));
      return {
        path: object.path,
        eligible: object.eligible,
        approvedBy,
        waiting: approvedBy.length < step.required,
      };
    });
    const satisfied = objects.every((object) => !object.waiting);
    const open = !satisfied && !(plan.ordered && earlierOpen);
    if (!satisfied) earlierOpen = true;
    return { index, name: step.name, required: step.required, objects, satisfied, open };
  });
  return { steps, approved: steps.every((step) => step.satisfied) };
}

export type StepAssignment = { step: number } | { refused: string };

const stepLabel = (step: { index: number; name: string | null }) =>
  step.name ? `step "${step.name}"` : `step ${step.index + 1}`;

/**
 * The step a new approval by `personId` counts in: the first open step with an object still
 * waiting for which the person is eligible. A person counts in one step only (their approval is
 * one row), so one person never fills two steps. Refused, with the reason, when it would add nothing.
 */
export function assignStep(
  plan: ApprovalPlan,
  approvals: readonly CountedApproval[],
  personId: string,
): StepAssignment {
  const progress = planProgress(plan, approvals);
  const canHelp = (step: StepProgress) =>
    step.objects.some((object) => object.waiting && object.eligible.includes(personId));
  const open = progress.steps.find((step) => step.open && canHelp(step));
  if (open) return { step: open.index };
  const later = progress.steps.find((step) => !step.satisfied && !step.open && canHelp(step));
  if (later) {
    const first = progress.steps.find((step) => step.open)!;
    return {
      refused: `the steps are approved in order and ${stepLabel(first)} comes first: nothing on this request waits for you yet`,
    };
  }
  return {
    refused:
      'nothing on this request waits for you: every object you may approve already has the approvals its steps need',
  };
}

/** Everyone eligible in some step, for some object (who may see the request and is told about it). */
export function everyoneEligible(plan: ApprovalPlan): string[] {
  return [...new Set(plan.steps.flatMap((step) => step.objects.flatMap((object) => object.eligible)))].sort();
}

/** The fewest distinct approvals the plan needs (more when objects have different approvers). */
export function fewestApprovals(plan: ApprovalPlan): number {
  return plan.steps.reduce((sum, step) => sum + step.required, 0);
}

/**
 * A request routed before plans were stored: one step in which everyone eligible may approve every
 * object, as it was then decided.
 */
export function legacyPlan(request: {
  paths: string[];
  eligibleApproverIds: string[];
  requiredApprovals: number;
}): ApprovalPlan {
  return {
    ordered: false,
    requester: null,
    approveUpToSeconds: null,
    steps: [
      {
        name: null,
        required: request.requiredApprovals,
        objects: request.paths.map((path) => ({
          path,
          eligible: [...request.eligibleApproverIds].sort(),
          governance: false,
        })),
      },
    ],
  };
}

/**
 * A request an approve rule grants once the person it is made for confirms it (governance asks
 * that of requests through sub-agents): no approver, their confirmation first.
 */
export function confirmationOnlyPlan(approveUpToSeconds: number): ApprovalPlan {
  return { ordered: false, requester: 'before', approveUpToSeconds, steps: [] };
}

/** The plan of a stored request (validated), or its legacy one-step plan. */
export function planOf(request: {
  approvalPlan: unknown;
  paths: string[];
  eligibleApproverIds: string[];
  requiredApprovals: number;
}): ApprovalPlan {
  return request.approvalPlan ? approvalPlanSchema.parse(request.approvalPlan) : legacyPlan(request);
}
