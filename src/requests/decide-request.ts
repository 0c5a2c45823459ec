import type { AccessRequest, Prisma } from '../../generated/prisma/client.ts';
import { recordAuditEvent } from '../audit/index.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { requireAgent, requireHuman, type Viewer } from '../identity/viewer.ts';
import { ApertureError } from '../shared/errors.ts';
import { toJson } from '../shared/json.ts';
import { validateInput } from '../shared/validate.ts';
import { assignStep, everyoneEligible, planOf, planProgress } from './approvals/approval-plan.ts';
import { approverProblem } from './approvals/may-decide.ts';
import { resolveApprovalPlan } from './approvers.ts';
import type { RequestDeps } from './request-deps.ts';
import { type DecisionInput, decisionInputSchema, requestNotFound } from './request-input.ts';
import type { RequestSnapshot } from './request-snapshot.ts';
import {
  alreadyDecided,
  announce,
  approveInTx,
  lockRequest,
  requestEvent,
  requireActiveChain,
  routingOf,
  transition,
} from './request-transitions.ts';
import { maySeeRequest } from './request-visibility.ts';

/** Humans decide, with their own token; agents never approve anything, not even by relaying. */
const onlyHumansDecide = 'only a human with their own token can decide access requests';

type Decision = { kind: 'approve'; durationSeconds: number | undefined } | { kind: 'deny'; reason: string };

/**
 * An eligible approver approves or denies. The first valid decision wins: the row is locked and
 * every transition is conditional. An approval counts in one step of the request's plan, for the
 * objects its approver is eligible for; the request is approved once every step has enough for
 * every object. Every refusal is audited, also of ids that name nothing (probes).
 */
async function decide(deps: RequestDeps, actor: Viewer, requestId: string, decision: Decision) {
  const viewer = requireHuman(actor, onlyHumansDecide);
  const approverId = viewer.human.id;
  const refusal: { problem?: string } = {};
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const request = await lockRequest(tx, requestId);
      // Who may not see the request learns nothing: a real id answers like one that does not exist.
      if (!request || !maySeeRequest(viewer, request, deps.governanceGroup)) {
        refusal.problem = request ? 'may not see the request' : 'no such request';
        throw requestNotFound(requestId);
      }
      const problem = approverProblem(request, approverId);
      if (problem) {
        refusal.problem = problem;
        throw new ApertureError('FORBIDDEN', problem);
      }
      try {
        if (request.status !== 'PENDING') throw alreadyDecided(request);
        if (request.expiresAt <= new Date()) {
          throw new ApertureError('CONFLICT', 'the request expired before it was decided');
        }
        await requireActiveChain(tx, request);
      } catch (error) {
        refusal.problem = (error as Error).message;
        throw error;
      }
      const actorOf = { humanId: approverId };
      if (decision.kind === 'deny') {
        const denied = await transition(tx, request, 'DENIED', `person:${approverId}`, decision.reason);
        await announce(
          tx,
          denied,
          'denied',
          requestEvent(request, 'access.denied', { reason: decision.reason }, actorOf),
        );
        return denied;
      }
      if (request.consent === 'WAITING' && planOf(request).requester === 'before') {
        refusal.problem = 'the person it is made for has not confirmed it yet';
        throw new ApertureError(
          'FORBIDDEN',
          'the person it is made for confirms it first: nothing on this request waits for you yet',
        );
      }
      const routing = routingOf(request);
      const seconds = Math.min(
        decision.durationSeconds ?? request.requestedDurationSeconds,
        request.requestedDurationSeconds,
        routing?.maxDuration ?? Number.POSITIVE_INFINITY,
      );
      const earlier = await tx.accessApproval.findMany({ where: { requestId: request.id } });
      if (earlier.some((approval) => approval.approverId === approverId)) {
        refusal.problem = 'already approved by this approver';
        throw new ApertureError('CONFLICT', 'you already approved this request; it needs another approver');
      }
      // Eligibility is per object and per step: the approval counts where it adds something, or not at all.
      const plan = planOf(request);
      const assigned = assignStep(plan, earlier, approverId);
      if ('refused' in assigned) {
        refusal.problem = assigned.refused;
        throw new ApertureError('FORBIDDEN', assigned.refused);
      }
      const approval = {
        requestId: request.id,
        approverId,
        durationSeconds: seconds,
        step: assigned.step,
        createdAt: new Date(),
      };
      const approvals = [...earlier, approval];
      const progress = planProgress(plan, approvals);
      // Filled, but the person it is for has still to confirm it: it waits for them.
      if (!progress.approved || request.consent === 'WAITING') {
        await tx.accessApproval.create({ data: approval });
        await announce(
          tx,
          request,
          'progress',
          requestEvent(
            request,
            'access.approval-recorded',
            {
              approvals: approvals.length,
              step: assigned.step,
              waiting: progress.steps.flatMap((step) =>
                step.objects
                  .filter((object) => object.waiting)
                  .map((object) => `${step.index}:${object.path}`),
              ),
              waitingForConsent: request.consent === 'WAITING',
              durationSeconds: seconds,
            },
            actorOf,
          ),
        );
        return request;
      }
      return approveInTx(tx, deps, request, {
        approvals,
        newApproval: approval,
        decidedBy: `person:${approverId}`,
        reason: null,
        audit: [],
      });
    });
  } finally {
    if (refusal.problem) {
      await recordAuditEvent(deps.prisma, {
        type: 'access.decision-refused',
        actor: { humanId: approverId },
        subject: { kind: 'access-request', id: requestId },
        payload: { decision: decision.kind, problem: refusal.problem },
      });
    }
  }
}

export function approveRequest(deps: RequestDeps, actor: Viewer, rawInput: DecisionInput) {
  requireHuman(actor, onlyHumansDecide);
  const input = validateInput(decisionInputSchema, rawInput, 'input');
  return decide(deps, actor, input.requestId, { kind: 'approve', durationSeconds: input.duration });
}

export function denyRequest(deps: RequestDeps, actor: Viewer, rawInput: DecisionInput) {
  requireHuman(actor, onlyHumansDecide);
  const input = validateInput(decisionInputSchema, rawInput, 'input');
  if (!input.reason)
    throw new ApertureError('INVALID_INPUT', 'a denial needs a reason (the agent is shown it)');
  return decide(deps, actor, input.requestId, { kind: 'deny', reason: input.reason });
}

/** The agent chain that made a request withdraws it while it is pending. */
export async function cancelRequest(
  deps: RequestDeps,
  actor: Viewer,
  requestId: string,
): Promise<AccessRequest> {
  const viewer = requireAgent(actor, 'Cancelling a request');
  return deps.prisma.$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const chain = viewer.chain.map((agent) => agent.id).join('>');
    if (
      !request ||
      request.humanId !== viewer.human.id ||
      request.intent !== viewer.intent ||
      request.chain.join('>') !== chain
    ) {
      throw requestNotFound(requestId);
    }
    if (request.status !== 'PENDING') throw alreadyDecided(request);
    const cancelled = await transition(
      tx,
      request,
      'CANCELLED',
      `agent:${viewer.chain.at(-1)!.id}`,
      'cancelled by the agent',
    );
    await announce(tx, cancelled, 'cancelled', requestEvent(request, 'access.cancelled'));
    return cancelled;
  });
}

/** A pending request past its time expires (a durable job; harmless when already decided; says when to retry if early). */
export async function expireRequest(
  prisma: PrismaClient,
  requestId: string,
): Promise<{ dueInMs: number; expired?: AccessRequest }> {
  return prisma.$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (request?.status !== 'PENDING') return { dueInMs: 0 };
    // The job ran by the database's clock; this process's may lag: then try again when due here.
    const dueInMs = request.expiresAt.getTime() - Date.now();
    if (dueInMs > 0) return { dueInMs };
    const expired = await transition(tx, request, 'EXPIRED', 'system:expiry', 'no approver decided in time');
    await announce(tx, expired, 'expired', requestEvent(request, 'access.expired'));
    return { dueInMs: 0, expired };
  });
}

/**
 * Still pending after the rule's escalation delay: its escalation approvers become eligible too, in
 * every step. The delay counts from the filing, or from the person's confirmation when approvers are
 * asked only after it.
 */
export async function escalateRequest(
  prisma: PrismaClient,
  requestId: string,
  governanceGroup: string,
): Promise<{ escalated: boolean; dueInMs: number }> {
  return prisma.$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const routing = request ? routingOf(request) : null;
    if (request?.status !== 'PENDING' || request.escalated || !routing?.escalation)
      return { escalated: false, dueInMs: 0 };
    const before = planOf(request);
    // Approvers asked only once the person confirmed escalate that long after the confirmation
    // (a job scheduled then); never while the person has still to confirm.
    if (before.requester === 'before') {
      if (!request.consentedAt) return { escalated: false, dueInMs: 0 };
      // Early by this replica's clock (the job ran by the database's): again when due here.
      const dueInMs = request.consentedAt.getTime() + routing.escalation.after * 1000 - Date.now();
      if (dueInMs > 0) return { escalated: false, dueInMs };
    }
    const widened = await resolveApprovalPlan(tx, routing, request.snapshot as unknown as RequestSnapshot, {
      governanceGroup,
      escalated: true,
    });
    // Nobody loses eligibility by an escalation (someone may have approved already).
    const plan = {
      ...widened,
      // Whether the person confirms (and when) was settled when it was filed.
      requester: before.requester,
      approveUpToSeconds: before.approveUpToSeconds,
      steps: widened.steps.map((step, index) => ({
        ...step,
        objects: step.objects.map((object) => {
          const earlier = before.steps[index]?.objects.find((other) => other.path === object.path);
          return {
            ...object,
            eligible: [...new Set([...(earlier?.eligible ?? []), ...object.eligible])].sort(),
          };
        }),
      })),
    };
    const eligible = everyoneEligible(plan);
    const added = eligible.filter((id) => !request.eligibleApproverIds.includes(id));
    const escalated = await tx.accessRequest.update({
      where: { id: request.id },
      data: {
        escalated: true,
        eligibleApproverIds: eligible,
        approvalPlan: toJson(plan) as Prisma.InputJsonValue,
      },
    });
    await announce(
      tx,
      escalated,
      'escalated',
      requestEvent(request, 'access.escalated', { addedApprovers: added.length }),
    );
    return { escalated: true, dueInMs: 0 };
  });
}
