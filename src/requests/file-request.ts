import { createHash, randomUUID } from 'node:crypto';
import type { AccessRequest, Grant, Prisma } from '../../generated/prisma/client.ts';
import { type Channel, currentChannel } from '../audit/channel.ts';
import type { AuditEventInput } from '../audit/index.ts';
import { objectNotFound } from '../catalog/read/object-not-found.ts';
import type { ChangeTopic } from '../db/change-feed.ts';
import { advisoryLocks, takeAdvisoryLocks } from '../db/locks/index.ts';
import { type AgentViewer, requireAgent, type Viewer } from '../identity/viewer.ts';
import type { PolicyObject } from '../policy/access-context.ts';
import { discoverableByPath } from '../policy/slice/discoverable-by-path.ts';
import { highest } from '../policy/visibility.ts';
import { ApertureError } from '../shared/errors.ts';
import { toJson } from '../shared/json.ts';
import { validateInput } from '../shared/validate.ts';
import { everyoneEligible, fewestApprovals } from './approvals/approval-plan.ts';
import { confirmationAsked } from './consent/confirmation-asked.ts';
import { consentEvents } from './consent/consent-events.ts';
import { useStandingConsent } from './consent/standing-consents.ts';
import { approvedSecondsAtOnce, pendingJobs, planOf } from './filing-terms.ts';
import { grantKey } from './grants/active-grants.ts';
import { newGrant } from './grants/create-grant.ts';
import { extendGrantInTx } from './grants/extend-grant.ts';
import type { RequestDeps } from './request-deps.ts';
import { type AccessRequestInput, accessRequestInputSchema, type FileRequestInput } from './request-input.ts';
import { humanSnapshot, type RequestSnapshot, resourceSnapshots } from './request-snapshot.ts';
import { isUniqueViolation, writeRequestRows } from './request-writes.ts';
import { evaluateRules } from './rules/evaluate-rules.ts';

/** What an agent learns when it files a request. */
export interface FiledRequest {
  request: AccessRequest;
  /** True when an identical pending request already existed (agents retry). */
  duplicate: boolean;
  /** The grant this request made, when it is known without reading it back (a new request). */
  grant?: Grant | null;
}

/**
 * The objects named, as this viewer may see them. Anything it may not discover is "not found";
 * asking for what it already sees at that tier is a conflict (unless extending a grant).
 */
async function requestedObjects(
  deps: RequestDeps,
  viewer: AgentViewer,
  input: AccessRequestInput,
  extending: boolean,
  channel: Channel | null,
) {
  const slice = await deps.access.sliceFor(viewer, channel);
  const lookup = (path: string) => slice.catalog.byPath.get(path);
  const objects: PolicyObject[] = [];
  for (const path of input.paths) {
    const found = discoverableByPath(slice, path);
    if (!found) throw objectNotFound(path);
    const { object, decision } = found;
    if (!extending && highest(decision.visibility, input.tier) === decision.visibility) {
      throw new ApertureError('CONFLICT', `${path} is already visible at ${decision.visibility}`, { path });
    }
    objects.push(object);
  }
  return {
    objects,
    lookup,
    stored: slice.stored,
    policyVersion: slice.policyVersion,
    sensitivityCeiling: slice.sensitivityCeiling,
  };
}

function pendingKeyOf(viewer: AgentViewer, paths: string[], terms: string): string {
  const chain = viewer.chain.map((agent) => agent.id).join('>');
  return createHash('sha256')
    .update(JSON.stringify([viewer.human.id, chain, viewer.intent, terms, paths]))
    .digest('base64url');
}

/**
 * Counted in the request's transaction under the agent's and the human's locks (always in that
 * order), so concurrent requests cannot slip past the limit together; across every replica. The
 * same statement finds an identical pending request (agents retry), which is returned instead.
 */
async function enforceRateLimits(
  tx: Prisma.TransactionClient,
  deps: RequestDeps,
  viewer: AgentViewer,
  now: Date,
  pendingKey: string,
): Promise<{ pendingId: string | null }> {
  const since = new Date(now.getTime() - 3_600_000);
  const agent = viewer.chain.at(-1)!;
  await takeAdvisoryLocks(
    tx,
    advisoryLocks.requestsOfAgent(agent.id),
    advisoryLocks.requestsOfHuman(viewer.human.id),
  );
  const [counts] = await tx.$queryRaw<{ byAgent: number; byHuman: number; pendingId: string | null }[]>`
    SELECT count(*) FILTER (WHERE "agentId" = ${agent.id}::uuid)::int AS "byAgent",
           count(*) FILTER (WHERE "humanId" = ${viewer.human.id}::uuid)::int AS "byHuman",
           (SELECT "id"::text FROM "AccessRequest" WHERE "pendingKey" = ${pendingKey}) AS "pendingId"
    FROM "AccessRequest"
    WHERE "createdAt" > ${since} AND ("agentId" = ${agent.id}::uuid OR "humanId" = ${viewer.human.id}::uuid)`;
  const { byAgent, byHuman, pendingId } = counts ?? { byAgent: 0, byHuman: 0, pendingId: null };
  if (pendingId) return { pendingId };
  if (byAgent >= deps.config.perAgentPerHour) {
    throw new ApertureError(
      'RATE_LIMITED',
      `agent ${agent.clientId} made ${byAgent} access requests in the last hour (limit ${deps.config.perAgentPerHour}); try again later`,
    );
  }
  if (byHuman >= deps.config.perHumanPerHour) {
    throw new ApertureError(
      'RATE_LIMITED',
      `${byHuman} access requests were made for ${viewer.human.email} in the last hour (limit ${deps.config.perHumanPerHour}); try again later`,
    );
  }
  return { pendingId: null };
}

/**
 * Files an agent's access request and decides it by the rules inside the same transaction: an
 * approval creates the grant, a denial says why, a routed request waits for approvers (and expires
 * on its own). An identical pending request is returned instead of a new one. The door it came
 * through (the channel of the call being served) is a fact for the policies, the rules and the
 * audit events, and is kept in the request's snapshot.
 */
export async function fileAccessRequest(
  deps: RequestDeps,
  actor: Viewer,
  rawInput: FileRequestInput,
  extendsGrant?: { id: string },
): Promise<FiledRequest> {
  const viewer = requireAgent(actor, 'Requesting access');
  const input = validateInput(accessRequestInputSchema, rawInput, 'input');
  if (input.scope === 'TASK' && !viewer.taskId) {
    throw new ApertureError('INVALID_INPUT', 'scope TASK needs a delegation token with a task id (task_id)');
  }
  const channel = currentChannel();
  const { objects, lookup, stored, policyVersion, sensitivityCeiling } = await requestedObjects(
    deps,
    viewer,
    input,
    !!extendsGrant,
    channel,
  );
  const objectPaths = objects.map((object) => object.path).sort();
  // The same objects, tier, scope (and task, for TASK scope) and grant being extended.
  const pendingKey = pendingKeyOf(
    viewer,
    objectPaths,
    [input.tier, input.scope, input.scope === 'TASK' ? viewer.taskId : null, extendsGrant?.id ?? null].join(
      '|',
    ),
  );
  const now = new Date();
  const snapshot: RequestSnapshot = {
    human: humanSnapshot(viewer.human),
    resources: await resourceSnapshots(stored, objects, lookup, sensitivityCeiling),
  };
  const ruleSet = await deps.rules.get();
  const agent = viewer.chain.at(-1)!;
  const outcome = evaluateRules(ruleSet.rules, {
    human: snapshot.human,
    agentClientId: agent.clientId,
    intent: viewer.intent,
    // With the snapshot's sensitivity: a dataset counts as sensitive as its strictest column.
    resources: objects.map((object, index) => ({
      ...object,
      sensitivity: snapshot.resources[index]!.sensitivity,
    })),
    tier: input.tier,
    requestedSeconds: input.duration,
    at: now,
    channel,
  });
  const settings = await deps.consentSettings.get();
  const asked = confirmationAsked(outcome, settings, viewer.chain.length);
  try {
    return await deps.prisma.$transaction(async (tx): Promise<FiledRequest> => {
      const { pendingId } = await enforceRateLimits(tx, deps, viewer, now, pendingKey);
      if (pendingId) {
        const existing = await tx.accessRequest.findUnique({ where: { id: pendingId } });
        if (existing) return { request: existing, duplicate: true };
      }
      // A standing consent of the person's (this task's, or this agent's) stands in for asking
      // them; never for keeping a grant longer (an extension asks them again).
      const standing =
        asked && !extendsGrant
          ? await useStandingConsent(
              tx,
              {
                humanId: viewer.human.id,
                chain: viewer.chain.map((hop) => hop.id),
                intent: viewer.intent,
                taskId: viewer.taskId,
                paths: objectPaths,
                tier: input.tier,
                grantScope: input.scope,
                requestedSeconds: input.duration,
                askedBy: asked.askedBy,
              },
              now,
            )
          : null;
      const waiting = asked !== null && standing === null;
      const plan = await planOf(tx, deps, outcome, snapshot, asked, waiting);
      const approvers = plan ? everyoneEligible(plan) : [];
      const approvedAtOnce = approvedSecondsAtOnce(outcome, plan, waiting, input.duration);
      const status = outcome.action === 'deny' ? 'DENIED' : approvedAtOnce !== null ? 'APPROVED' : 'PENDING';
      const pending = status === 'PENDING';
      // The row as stored: every column, so the caller is answered without reading it back.
      const request: AccessRequest = {
        id: randomUUID(),
        humanId: viewer.human.id,
        agentId: agent.id,
        chain: viewer.chain.map((hop) => hop.id),
        intent: viewer.intent,
        taskId: viewer.taskId,
        tokenId: viewer.tokenId,
        tokenExpiresAt: viewer.expiresAt,
        paths: objectPaths,
        tier: input.tier,
        justification: input.justification,
        requestedDurationSeconds: input.duration,
        scope: input.scope,
        status,
        pendingKey: pending ? pendingKey : null,
        // The channel with the facts the rules saw, so that a later re-check sees it too.
        snapshot: toJson({ ...snapshot, channel }),
        ruleSetVersion: ruleSet.version,
        ruleId: outcome.rule?.id ?? null,
        routing: outcome.action === 'route' ? toJson(outcome.routing) : null,
        approvalPlan: plan ? toJson(plan) : null,
        eligibleApproverIds: approvers,
        requiredApprovals: plan ? Math.max(1, fewestApprovals(plan)) : 1,
        escalated: false,
        decidedBy: pending ? null : `rule:${outcome.rule!.id}`,
        decisionReason:
          outcome.action === 'deny'
            ? outcome.reason
            : pending
              ? null
              : `approved by rule ${outcome.rule!.id}${standing ? ', with the standing consent of the person it is for' : ''}`,
        approvedDurationSeconds: approvedAtOnce,
        expiresAt: new Date(now.getTime() + deps.config.pendingSeconds * 1000),
        createdAt: now,
        decidedAt: pending ? null : now,
        extendsGrantId: extendsGrant?.id ?? null,
        consent: asked ? (standing ? 'GIVEN' : 'WAITING') : 'NOT_ASKED',
        consentAnswer: standing ? (standing.scope === 'TASK' ? 'TASK' : 'ALWAYS') : null,
        consentedAt: standing ? now : null,
        standingConsentId: standing?.id ?? null,
      };
      const audit: AuditEventInput[] = [
        {
          type: 'access.requested',
          actor: { humanId: viewer.human.id, agentChain: request.chain },
          intent: viewer.intent,
          subject: { kind: 'access-request', id: request.id },
          channel,
          policyVersion,
          payload: {
            paths: request.paths,
            tier: request.tier,
            scope: request.scope,
            taskId: request.taskId,
            requestedSeconds: input.duration,
            justification: input.justification,
            extendsGrantId: request.extendsGrantId,
            ruleSetVersion: ruleSet.version,
            matchedRules: outcome.matched,
          },
        },
        {
          type: `access.${pending ? 'routed' : status === 'APPROVED' ? 'approved' : 'denied'}`,
          actor: { humanId: viewer.human.id, agentChain: request.chain },
          intent: viewer.intent,
          subject: { kind: 'access-request', id: request.id },
          channel,
          payload: {
            decidedBy: request.decidedBy,
            ruleId: request.ruleId,
            reason: request.decisionReason,
            eligibleApprovers: approvers.length,
            approvalPlan: plan,
            snapshot,
          },
        },
        ...consentEvents(request, asked, standing, channel),
      ];
      const changes: { topic: ChangeTopic; detail?: string }[] = [{ topic: 'requests', detail: request.id }];
      const terms = {
        now,
        approvedSeconds: null,
        ruleMaxSeconds:
          outcome.action === 'approve'
            ? outcome.maxSeconds
            : outcome.action === 'route'
              ? (outcome.routing.maxDuration ?? null)
              : null,
      };
      if (approvedAtOnce !== null && extendsGrant) {
        // An extension changes a stored grant: the request row first, then the grant, as before.
        await writeRequestRows(tx, { requests: [request] });
        await extendGrantInTx(tx, deps, request, extendsGrant.id, terms, audit);
        await writeRequestRows(tx, { audit, changes });
        return { request, duplicate: false };
      }
      // Otherwise everything the request writes is known now: one statement.
      const made = approvedAtOnce !== null ? newGrant(request, terms, deps.config.grantMaximums) : null;
      if (made) {
        audit.push({ ...made.event, channel });
        changes.push({ topic: 'grants', detail: grantKey(made.grant) });
      }
      await writeRequestRows(tx, {
        requests: [request],
        grants: made ? [made.grant] : [],
        jobs: [...(made ? [made.job] : []), ...(pending ? pendingJobs(request, outcome, plan, waiting) : [])],
        audit,
        changes,
      });
      return { request, duplicate: false, grant: made?.grant ?? null };
    });
  } catch (error) {
    // Two identical requests at once: the unique pending key lets one through; the other gets it.
    if (isUniqueViolation(error)) {
      const winner = await deps.prisma.accessRequest.findUnique({ where: { pendingKey } });
      if (winner) return { request: winner, duplicate: true };
    }
    throw error;
  }
}
