import type { AccessRequest, StandingConsent } from '../../../generated/prisma/client.ts';
import { type AuditEventInput, currentChannel, recordAuditEvent } from '../../audit/index.ts';
import { lockDelegationTokenRow } from '../../db/locks/index.ts';
import { rootDelegationOf } from '../../identity/delegations/root-delegation.ts';
import { revokeLockedTokenTree } from '../../identity/tokens/revoke-delegation-token.ts';
import { requireHuman, type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import { ApertureError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import { approvalNoticeJob } from '../approval-notifier.ts';
import { planOf, planProgress } from '../approvals/approval-plan.ts';
import { cancelRequestsOfTokens } from '../cancel-pending-requests.ts';
import type { RequestDeps } from '../request-deps.ts';
import { isUuid, requestNotFound } from '../request-input.ts';
import {
  alreadyDecided,
  approveInTx,
  lockRequest,
  requestEvent,
  requireActiveChain,
  routingOf,
  transition,
} from '../request-transitions.ts';
import { maySeeRequest } from '../request-visibility.ts';
import { writeRequestRows } from '../request-writes.ts';
import { askedByOf } from './confirmation-asked.ts';
import { type ConfirmationInput, confirmationInputSchema } from './consent-input.ts';
import { endStandingConsents, newStandingConsent } from './standing-consents.ts';

/** The delegation (root token) a request was filed with, or null for an id that names no request. */
async function delegationOfRequest(deps: RequestDeps, requestId: string): Promise<string | null> {
  if (!isUuid(requestId)) return null;
  const request = await deps.prisma.accessRequest.findUnique({
    where: { id: requestId },
    select: { tokenId: true },
  });
  return request ? rootDelegationOf(deps.prisma, request.tokenId) : null;
}

/** What the person's answer did. */
export interface Confirmation {
  request: AccessRequest;
  /** The task or agent consent the answer made. */
  standingConsent: StandingConsent | null;
  /** "Not me" took back the delegation it was filed with (governance's setting). */
  revokeDelegation: boolean;
}

const onlyThePerson =
  'only the person a request is made for confirms it, signed in as themselves (never through an agent)';

export const notMeReason = 'the person it was made for says they did not ask for it ("not me")';

/**
 * The person a request is made for answers their agent's request, out of band (Slack, the console):
 * Allow once, Allow for this task, Always for this agent, or Not me. The same decision whichever
 * door it came from; the first valid answer wins (the row is locked, every change conditional). No
 * one else may answer: not their agents (agent tokens are refused outright), not its approvers,
 * not governance. Every refusal is audited.
 */
export async function confirmRequest(
  deps: RequestDeps,
  actor: Viewer,
  rawInput: ConfirmationInput,
): Promise<Confirmation> {
  if (actor.kind === 'agent') {
    // An agent answering for its person is a sign of a hijack: refused, and governance can see it.
    await recordAuditEvent(deps.prisma, {
      type: 'consent.answer-refused',
      actor: viewerAuditActor(actor),
      intent: actor.intent,
      subject: { kind: 'access-request', id: String(rawInput.requestId).slice(0, 200) },
      channel: currentChannel(),
      payload: { answer: String(rawInput.answer).slice(0, 20), problem: 'an agent cannot confirm' },
    });
  }
  const viewer = requireHuman(actor, onlyThePerson);
  const input = validateInput(confirmationInputSchema, rawInput, 'input');
  const personId = viewer.human.id;
  const channel = currentChannel();
  const settings = await deps.consentSettings.get();
  // "Not me" with governance's setting takes the delegation back in the same transaction: its token
  // row is locked first, as every revocation does (token, then requests), so the two never deadlock.
  const delegation =
    input.answer === 'NOT_ME' && settings.notMeRevokesDelegation
      ? await delegationOfRequest(deps, input.requestId)
      : null;
  const refusal: { problem?: string } = {};
  try {
    return await deps.prisma.$transaction(async (tx): Promise<Confirmation> => {
      const ownDelegation = delegation ? await lockDelegationTokenRow(tx, delegation, personId) : false;
      const request = await lockRequest(tx, input.requestId);
      // Who may not see the request learns nothing: a real id answers like one that does not exist.
      if (!request || !maySeeRequest(viewer, request, deps.governanceGroup)) {
        refusal.problem = request ? 'may not see the request' : 'no such request';
        throw requestNotFound(input.requestId);
      }
      if (request.humanId !== personId) {
        refusal.problem = 'not the person it is made for';
        throw new ApertureError('FORBIDDEN', 'only the person this request is made for can confirm it');
      }
      try {
        if (request.status !== 'PENDING') throw alreadyDecided(request);
        if (request.consent !== 'WAITING')
          throw new ApertureError('CONFLICT', 'this request does not wait for your confirmation');
        if (request.expiresAt <= new Date())
          throw new ApertureError('CONFLICT', 'the request expired before it was confirmed');
        await requireActiveChain(tx, request);
        if (input.answer === 'TASK' && !request.taskId)
          throw new ApertureError(
            'INVALID_INPUT',
            'this request names no task: allow it once, or always for this agent',
          );
      } catch (error) {
        refusal.problem = (error as Error).message;
        throw error;
      }
      const now = new Date();
      const about = {
        intent: request.intent,
        subject: { kind: 'access-request', id: request.id },
        channel,
      };
      if (input.answer === 'NOT_ME') {
        const denied = await transition(tx, request, 'DENIED', `person:${personId}`, notMeReason);
        const consent = { consent: 'REFUSED', consentAnswer: 'NOT_ME', consentedAt: now } as const;
        await tx.accessRequest.update({ where: { id: request.id }, data: consent });
        // What the person granted that chain (or a sub-agent below it) before no longer speaks for them.
        const trusted = (
          await tx.standingConsent.findMany({
            where: { humanId: personId, endedAt: null, chain: { hasEvery: request.chain } },
          })
        ).filter((consent) => request.chain.every((agentId, hop) => consent.chain[hop] === agentId));
        await endStandingConsents(tx, trusted, 'not-me', now, { humanId: personId });
        const revokedTokens =
          delegation && ownDelegation
            ? await revokeLockedTokenTree(tx, cancelRequestsOfTokens, viewer, delegation, notMeReason)
            : [];
        await writeRequestRows(tx, {
          jobs: [approvalNoticeJob('not-me', request.id), approvalNoticeJob('denied', request.id)],
          audit: [
            requestEvent(
              request,
              'access.denied',
              { reason: notMeReason, notMe: true },
              { humanId: personId },
            ),
            {
              ...about,
              type: 'security.not-me',
              actor: { humanId: personId, agentChain: request.chain },
              payload: {
                agentId: request.agentId,
                chain: request.chain,
                taskId: request.taskId,
                paths: request.paths,
                tier: request.tier,
                justification: request.justification,
                tokenId: request.tokenId,
                // What happened, not only what the setting asked: the delegation and its tokens.
                revokeDelegation: revokedTokens.length > 0,
                delegation,
                revokedTokens,
              },
            },
          ],
          changes: [{ topic: 'requests', detail: request.id }],
        });
        return {
          request: { ...denied, ...consent },
          standingConsent: null,
          revokeDelegation: revokedTokens.length > 0,
        };
      }
      const standing =
        input.answer === 'TASK' || input.answer === 'ALWAYS'
          ? newStandingConsent(request, input.answer, {
              askedBy: askedByOf(request),
              days: input.days,
              channel: channel?.name ?? null,
              now,
            })
          : null;
      if (standing) await tx.standingConsent.create({ data: standing });
      const given = await tx.accessRequest.update({
        where: { id: request.id },
        data: {
          consent: 'GIVEN',
          consentAnswer: input.answer,
          consentedAt: now,
          standingConsentId: standing?.id ?? null,
        },
      });
      const audit: AuditEventInput[] = [
        {
          ...about,
          type: 'consent.given',
          actor: { humanId: personId },
          payload: {
            answer: input.answer,
            standingConsentId: standing?.id ?? null,
            expiresAt: standing?.expiresAt ?? null,
          },
        },
      ];
      const approvals = await tx.accessApproval.findMany({
        where: { requestId: request.id },
        orderBy: { createdAt: 'asc' },
      });
      const plan = planOf(given);
      if (planProgress(plan, approvals).approved) {
        // Nothing else waits: approved now, by the last approver, or by the rule when none was asked.
        const last = approvals.at(-1);
        const approved = await approveInTx(tx, deps, given, {
          approvals,
          newApproval: null,
          decidedBy: last ? `person:${last.approverId}` : `rule:${given.ruleId}`,
          reason: last ? null : `approved by rule ${given.ruleId} once the person it is for confirmed it`,
          audit,
        });
        return { request: approved, standingConsent: standing, revokeDelegation: false };
      }
      const escalation = routingOf(given)?.escalation;
      await writeRequestRows(tx, {
        jobs: [
          approvalNoticeJob('consent-given', request.id),
          // Approvers asked after the person are asked now, and escalate that long from now.
          ...(plan.requester === 'before' ? [approvalNoticeJob('routed', request.id)] : []),
          ...(plan.requester === 'before' && escalation
            ? [
                {
                  kind: 'request.escalate',
                  key: `request.escalate:${request.id}:after-consent`,
                  payload: { requestId: request.id },
                  runAt: new Date(now.getTime() + escalation.after * 1000),
                },
              ]
            : []),
        ],
        audit,
        changes: [{ topic: 'requests', detail: request.id }],
      });
      return { request: given, standingConsent: standing, revokeDelegation: false };
    });
  } finally {
    if (refusal.problem) {
      await recordAuditEvent(deps.prisma, {
        type: 'consent.answer-refused',
        actor: { humanId: personId },
        subject: { kind: 'access-request', id: input.requestId },
        channel,
        payload: { answer: input.answer, problem: refusal.problem },
      });
    }
  }
}
