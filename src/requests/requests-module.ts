import DataLoader from 'dataloader';
import type {
  AccessRequest,
  AccessRequestStatus,
  ConsentAnswer,
  Grant,
  StandingConsent,
} from '../../generated/prisma/client.ts';
import type { ChangeFeed } from '../db/change-feed.ts';
import { InvalidatedCache } from '../db/invalidated-cache.ts';
import type { KeysetPage } from '../db/keyset-page.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { PersonDelegation } from '../identity/delegations/person-delegations.ts';
import { isGovernance, requireGovernance } from '../identity/governance.ts';
import {
  type HumanViewer,
  isHuman,
  requireHuman,
  type Viewer,
  viewerAuditActor,
} from '../identity/viewer.ts';
import { type JobHandler, RetryLaterError } from '../jobs/job-worker.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import { ApertureError } from '../shared/errors.ts';
import type { ApplyResult } from '../versioned-sets/apply-versioned-set.ts';
import { type ApprovalEvent, type ApprovalNotifier, approvalNoticeJobKind } from './approval-notifier.ts';
import { assignStep, type CountedApproval, planOf } from './approvals/approval-plan.ts';
import { type ApprovalStepView, approvalStatus, showsApprovers } from './approvals/approval-status.ts';
import { mayApproveNow, mayDenyNow } from './approvals/may-decide.ts';
import { type Confirmation, confirmRequest } from './consent/confirm-request.ts';
import type { ConfirmationInput, ConsentSettingsInput } from './consent/consent-input.ts';
import { type ConsentSettings, ConsentSettingsStore } from './consent/consent-settings.ts';
import { recheckStandingConsents } from './consent/recheck-consents.ts';
import { revokeStandingConsent } from './consent/revoke-standing-consent.ts';
import { standingConsentsOf } from './consent/standing-consents.ts';
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  escalateRequest,
  expireRequest,
} from './decide-request.ts';
import { DeciderNames } from './decider-names.ts';
import { type DecisionRecorder, decisionOutcome } from './decision-outcome.ts';
import { grantsOfDelegations, requestsOfDelegations } from './delegation-holdings.ts';
import { type FiledRequest, fileAccessRequest } from './file-request.ts';
import { type ActiveGrants, grantKey } from './grants/active-grants.ts';
import { recheckGrants } from './grants/recheck-grants.ts';
import { expireGrant, revokeGrant } from './grants/revoke-grant.ts';
import { PepTasks } from './pep-tasks.ts';
import type { RequestDeps } from './request-deps.ts';
import { requestGrantExtension } from './request-extension.ts';
import {
  type DecisionInput,
  type ExtensionInput,
  type FileRequestInput,
  isUuid,
  requestNotFound,
} from './request-input.ts';
import {
  awaitingDecisionOf,
  countGrants,
  countRequests,
  type GrantListFilter,
  pageOfGrants,
  pageOfRequests,
  type RequestListFilter,
} from './request-lists.ts';
import { maySeeRequest, ownGrantsFilter } from './request-visibility.ts';
import type { RequestsConfig } from './requests-config.ts';
import {
  applyRuleSet,
  currentRuleSet,
  parseRuleSet,
  type RuleSet,
  type RuleSetInput,
} from './rules/rule-store.ts';
import { type SimilarDecisions, similarDecisions } from './similar-decisions.ts';
import { type RequestStats, requestStats, type StatsBucket } from './stats/request-stats.ts';

/** A timer that fired early (clocks differ between replicas and the database) runs again when due. */
function retryWhenEarly({ dueInMs }: { dueInMs: number }): void {
  if (dueInMs > 0) throw new RetryLaterError(dueInMs, 'not due yet by the clock of this replica');
}

const finalStatuses: readonly AccessRequestStatus[] = ['APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED'];

/**
 * Just-in-time access: requests, their decisions (rules, approvers), grants and their timers.
 * The adapters (GraphQL, Slack, jobs) call this; every operation re-reads the state it decides on.
 */
export class RequestsModule {
  private readonly deps: RequestDeps;
  private readonly rules: InvalidatedCache<RuleSet>;
  /** Requests filed through the AuthZEN access-request endpoint, bound to their PEP client. */
  readonly pepTasks: PepTasks;

  constructor(options: {
    prisma: PrismaClient;
    access: AccessService;
    grants: ActiveGrants;
    changes: ChangeFeed;
    config: RequestsConfig;
    governanceGroup: string;
    logger: Logger;
    /**
     * Runs after a revocation commits, before it answers: what outlives the transaction (a vended
     * database login relying on the grant) ends before the revoker is told it is revoked.
     */
    afterRevocation?: () => Promise<void>;
    /** Told of each decision taken here once committed (monitoring counts them). */
    onDecision?: DecisionRecorder;
    /** Told of each answer a person gave here to their agent's request, once committed. */
    onConsentAnswer?: (answer: ConsentAnswer) => void;
    /**
     * Runs after a "not me" took back a delegation (in its own transaction), before it answers:
     * identity forgets the revoked tokens here at once, and vended logins resting on them end.
     */
    afterDelegationRevoked?: () => Promise<void>;
  }) {
    const { afterRevocation, onDecision, afterDelegationRevoked, onConsentAnswer, ...deps } = options;
    this.onConsentAnswer = onConsentAnswer ?? (() => {});
    this.onDecision = onDecision ?? (() => {});
    this.rules = new InvalidatedCache(options.changes, ['rules'], () => currentRuleSet(options.prisma));
    this.consentSettings = new ConsentSettingsStore(options.prisma, options.changes, options.governanceGroup);
    this.deps = { ...deps, rules: this.rules, consentSettings: this.consentSettings };
    this.afterDelegationRevoked = afterDelegationRevoked ?? (async () => {});
    this.grants = options.grants;
    this.changes = options.changes;
    this.afterRevocation = afterRevocation ?? (async () => {});
    this.deciders = new DeciderNames(options.prisma);
    this.pepTasks = new PepTasks(options.prisma);
  }

  /** Governance's consent settings (who must confirm what). */
  readonly consentSettings: ConsentSettingsStore;
  private readonly afterDelegationRevoked: () => Promise<void>;
  private readonly onConsentAnswer: (answer: ConsentAnswer) => void;

  /** Who decided a request, in words (people named to people only). */
  readonly deciders: DeciderNames;

  private readonly afterRevocation: () => Promise<void>;
  private readonly onDecision: DecisionRecorder;

  /** A request that left PENDING here (or was filed: decided by a rule, or routed) is counted once. */
  private decided<T extends { status: AccessRequest['status'] }>(
    request: T & Pick<AccessRequest, 'decidedBy'>,
  ): T {
    this.onDecision(decisionOutcome(request));
    return request;
  }

  private filed(filed: FiledRequest): FiledRequest {
    if (!filed.duplicate) this.decided(filed.request);
    return filed;
  }
  private readonly grants: ActiveGrants;
  private readonly changes: ChangeFeed;

  /**
   * Changes to grants count on the next query here at once, not when the notification arrives:
   * those of the one delegation `changed` names, or (by default, and after an error) all.
   */
  private async changing<T>(operation: Promise<T>, changed?: (result: T) => string): Promise<T> {
    let result: T;
    try {
      result = await operation;
    } catch (error) {
      this.grants.invalidate();
      throw error;
    }
    this.grants.invalidate(changed?.(result));
    return result;
  }

  async request(viewer: Viewer, input: FileRequestInput): Promise<FiledRequest> {
    const filed = this.filed(
      await this.changing(fileAccessRequest(this.deps, viewer, input), ({ request }) => grantKey(request)),
    );
    // A request just made has no approval yet, and its grant is the one it made: the answer's
    // fields need not read them back.
    if (filed.grant !== undefined) this.justFiled.set(filed.request, { grant: filed.grant });
    return filed;
  }

  /** Requests filed by this process, as returned to the caller, with what they made (see `request`). */
  private readonly justFiled = new WeakMap<object, { grant: Grant | null }>();

  async extendGrant(viewer: Viewer, input: ExtensionInput): Promise<FiledRequest> {
    return this.filed(await this.changing(requestGrantExtension(this.deps, viewer, input)));
  }

  async approve(viewer: Viewer, input: DecisionInput): Promise<AccessRequest> {
    const request = await this.changing(approveRequest(this.deps, viewer, input), grantKey);
    // An approval that does not complete the plan leaves the request pending: not a decision.
    return request.status === 'APPROVED' ? this.decided(request) : request;
  }

  async deny(viewer: Viewer, input: DecisionInput): Promise<AccessRequest> {
    return this.decided(await this.changing(denyRequest(this.deps, viewer, input)));
  }

  async cancel(viewer: Viewer, requestId: string): Promise<AccessRequest> {
    if (!isUuid(requestId)) throw requestNotFound(requestId);
    return this.decided(await this.changing(cancelRequest(this.deps, viewer, requestId)));
  }

  async revokeGrant(viewer: Viewer, grantId: string, reason: string): Promise<Grant> {
    const revoked = await this.changing(revokeGrant(this.deps, viewer, grantId, reason));
    await this.afterRevocation();
    return revoked;
  }

  /**
   * The person a request is made for answers it (see confirm-request.ts). "Not me" with
   * governance's setting also takes back the delegation it was filed with.
   */
  async confirm(viewer: Viewer, input: ConfirmationInput): Promise<Confirmation> {
    const confirmation = await this.changing(confirmRequest(this.deps, viewer, input), ({ request }) =>
      grantKey(request),
    );
    if (confirmation.request.consentAnswer) this.onConsentAnswer(confirmation.request.consentAnswer);
    if (confirmation.request.status !== 'PENDING') this.decided(confirmation.request);
    // Its delegation was taken back in the answer's transaction: what rests on it ends now.
    if (confirmation.revokeDelegation) await this.afterDelegationRevoked();
    return confirmation;
  }

  /** Pending requests that wait for this person's own confirmation, oldest first; none for an agent. */
  async awaitingConfirmationBy(viewer: Viewer, first: number): Promise<AccessRequest[]> {
    if (!isHuman(viewer)) return [];
    return this.deps.prisma.accessRequest.findMany({
      where: {
        humanId: viewer.human.id,
        status: 'PENDING',
        consent: 'WAITING',
        expiresAt: { gt: new Date() },
      },
      orderBy: { createdAt: 'asc' },
      take: first,
    });
  }

  /** Whether this viewer is the person who may confirm this request now. */
  viewerCanConfirm(viewer: Viewer, request: AccessRequest): boolean {
    return (
      isHuman(viewer) &&
      request.humanId === viewer.human.id &&
      request.status === 'PENDING' &&
      request.consent === 'WAITING' &&
      request.expiresAt > new Date()
    );
  }

  private get consentRecheckDeps() {
    return { prisma: this.deps.prisma, rules: this.rules, settings: this.consentSettings };
  }

  /** A person's standing consents in force (those that lapsed are ended first), newest first. */
  async standingConsents(viewer: Viewer): Promise<StandingConsent[]> {
    const person = requireHuman(viewer, 'only a person lists their standing consents');
    await recheckStandingConsents(this.consentRecheckDeps, [person.human.id]);
    return standingConsentsOf(this.deps.prisma, person.human.id, new Date());
  }

  revokeStandingConsent(viewer: Viewer, consentId: string): Promise<StandingConsent> {
    return revokeStandingConsent(this.deps.prisma, viewer, consentId);
  }

  readConsentSettings(viewer: Viewer): Promise<ConsentSettings> {
    requireGovernance(viewer, this.deps.governanceGroup);
    return this.consentSettings.get();
  }

  updateConsentSettings(viewer: Viewer, input: ConsentSettingsInput): Promise<ConsentSettings> {
    return this.consentSettings.update(viewer, input);
  }

  /** A request this viewer may see, or null (also when it exists but is not theirs). */
  async get(viewer: Viewer, requestId: string): Promise<AccessRequest | null> {
    if (!isUuid(requestId)) return null;
    const request = await this.deps.prisma.accessRequest.findUnique({ where: { id: requestId } });
    return request && maySeeRequest(viewer, request, this.deps.governanceGroup) ? request : null;
  }

  /** A page of the requests this viewer lists as its own (see request-lists.ts), newest first. */
  listRequests(viewer: Viewer, filter: RequestListFilter, page: KeysetPage): Promise<AccessRequest[]> {
    return pageOfRequests(this.deps.prisma, viewer, filter, page);
  }

  countRequests(viewer: Viewer, filter: RequestListFilter): Promise<number> {
    return countRequests(this.deps.prisma, viewer, filter);
  }

  /** A page of the grants this viewer lists as its own, newest first. */
  listGrants(viewer: Viewer, filter: GrantListFilter, page: KeysetPage): Promise<Grant[]> {
    return pageOfGrants(this.deps.prisma, viewer, filter, page);
  }

  /** One of this viewer's own grants (see ownGrantsFilter), in any status; null for anyone else's. */
  ownGrant(viewer: Viewer, grantId: string): Promise<Grant | null> {
    if (!isUuid(grantId)) return Promise.resolve(null);
    return this.deps.prisma.grant.findFirst({ where: { AND: [{ id: grantId }, ownGrantsFilter(viewer)] } });
  }

  countGrants(viewer: Viewer, filter: GrantListFilter): Promise<number> {
    return countGrants(this.deps.prisma, viewer, filter);
  }

  /** Pending requests where this human's approval would count now (never their own), oldest first. */
  async awaitingDecisionBy(approver: HumanViewer, first: number): Promise<AccessRequest[]> {
    const me = approver.human.id;
    const candidates = await this.deps.prisma.accessRequest.findMany({
      where: awaitingDecisionOf(me),
      include: { approvals: { select: { approverId: true, step: true } } },
      orderBy: { createdAt: 'asc' },
      // Some may need nothing more from this approver (their objects are approved in every step).
      take: first * 5,
    });
    return candidates
      .filter((request) => !('refused' in assignStep(planOf(request), request.approvals, me)))
      .slice(0, first)
      .map(({ approvals: _approvals, ...request }) => request);
  }

  /** Grants in force that this human approved (what they may also revoke), soonest to end first. */
  activeGrantsApprovedBy(approver: HumanViewer, first: number): Promise<Grant[]> {
    return this.deps.prisma.grant.findMany({
      where: {
        status: 'ACTIVE',
        expiresAt: { gt: new Date() },
        request: { approvals: { some: { approverId: approver.human.id } } },
      },
      orderBy: { expiresAt: 'asc' },
      take: first,
    });
  }

  /** Distinct approvals so far; the counts of one tick's requests are read in one query (lists of requests). */
  approvalCount(request: Pick<AccessRequest, 'id'>): Promise<number> {
    if (this.justFiled.has(request)) return Promise.resolve(0);
    return this.approvalCounts.load(request.id);
  }

  private readonly approvalCounts = new DataLoader<string, number>(
    async (requestIds) => {
      const rows = await this.deps.prisma.accessApproval.groupBy({
        by: ['requestId'],
        where: { requestId: { in: [...requestIds] } },
        _count: { _all: true },
      });
      const counts = new Map(rows.map((row) => [row.requestId, row._count._all]));
      return requestIds.map((id) => counts.get(id) ?? 0);
    },
    // Batching only: a count must be fresh on every read.
    { cache: false },
  );

  /**
   * How people decided requests like this one (see similar-decisions.ts); one query per tick. Only
   * for a person who may decide it now, or governance (null to anyone else, agents included): the
   * query is costly and the figures are an approver's aid.
   */
  async similarDecisions(viewer: Viewer, request: AccessRequest): Promise<SimilarDecisions | null> {
    if (!this.viewerCanDecide(viewer, request) && !isGovernance(viewer, this.deps.governanceGroup))
      return null;
    return this.similarLoader.load(request.id);
  }

  private readonly similarLoader = new DataLoader<string, SimilarDecisions>(
    (requestIds) => similarDecisions(this.deps.prisma, requestIds),
    { cache: false },
  );

  /** Whether a decision (at least a denial) by this viewer would be taken now: people only. */
  viewerCanDecide(viewer: Viewer, request: AccessRequest): boolean {
    return isHuman(viewer) && mayDenyNow(request, viewer.human.id, new Date());
  }

  /** Whether an approval by this viewer would count now: people only. */
  async viewerCanApprove(viewer: Viewer, request: AccessRequest): Promise<boolean> {
    if (!this.viewerCanDecide(viewer, request)) return false;
    const human = viewer as HumanViewer;
    const approvals = this.justFiled.has(request) ? [] : await this.approvalsLoader.load(request.id);
    return mayApproveNow(request, approvals, human.human.id, new Date());
  }

  private readonly approvalsLoader = new DataLoader<string, CountedApproval[]>(
    async (requestIds) => {
      const rows = await this.deps.prisma.accessApproval.findMany({
        where: { requestId: { in: [...requestIds] } },
        select: { requestId: true, approverId: true, step: true },
      });
      return requestIds.map((id) => rows.filter((row) => row.requestId === id));
    },
    { cache: false },
  );

  /** The grants in force a person's delegation may use (see delegation-holdings.ts), batched. */
  delegationGrants(delegation: PersonDelegation): Promise<Grant[]> {
    return this.delegationGrantsLoader.load(delegation);
  }

  /** The newest requests filed through a person's delegation, batched. */
  delegationRequests(delegation: PersonDelegation): Promise<AccessRequest[]> {
    return this.delegationRequestsLoader.load(delegation);
  }

  private readonly delegationGrantsLoader = new DataLoader<PersonDelegation, Grant[], string>(
    (delegations) => grantsOfDelegations(this.deps.prisma, delegations),
    { cache: false, cacheKeyFn: (delegation) => delegation.tokenId },
  );

  private readonly delegationRequestsLoader = new DataLoader<PersonDelegation, AccessRequest[], string>(
    (delegations) => requestsOfDelegations(this.deps.prisma, delegations),
    { cache: false, cacheKeyFn: (delegation) => delegation.tokenId },
  );

  /** Grants in force held by chains this agent is part of (what its suspension would end), batched. */
  activeGrantsOfAgent(agentId: string): Promise<number> {
    return this.agentGrantsLoader.load(agentId);
  }

  private readonly agentGrantsLoader = new DataLoader<string, number>(
    async (agentIds) => {
      const rows = await this.deps.prisma.$queryRaw<{ agentId: string; grants: number }[]>`
        SELECT agent."agentId", count(*)::int AS grants
        FROM "Grant" g CROSS JOIN LATERAL (SELECT DISTINCT unnest(g.chain) AS "agentId") agent
        WHERE g.status = 'ACTIVE' AND g."expiresAt" > now()
          AND g.chain && ${[...agentIds]}::text[] AND agent."agentId" = ANY(${[...agentIds]}::text[])
        GROUP BY agent."agentId"`;
      const counts = new Map(rows.map((row) => [row.agentId, row.grants]));
      return agentIds.map((id) => counts.get(id) ?? 0);
    },
    { cache: false },
  );

  /** Where a routed request's approval steps stand, per object, as this viewer is shown them. */
  approvalSteps(viewer: Viewer, request: AccessRequest): Promise<ApprovalStepView[]> {
    return approvalStatus(this.deps.prisma, request, { people: showsApprovers(viewer) });
  }

  /** The grant a request concerns: the one it created, or (an extension) the one it extends. */
  grantOf(request: Pick<AccessRequest, 'id' | 'extendsGrantId'>): Promise<Grant | null> {
    const filed = this.justFiled.get(request);
    if (filed) return Promise.resolve(filed.grant);
    return this.deps.prisma.grant.findUnique({
      where: request.extendsGrantId ? { id: request.extendsGrantId } : { requestId: request.id },
    });
  }

  /**
   * The request now, then again after every change (from any replica), until it is final and its
   * grant, if any, has ended, or `signal` aborts (a caller that stops waiting: its listener goes at
   * once, not at the request's next change). Unknown and foreign requests are NOT_FOUND.
   */
  async *updates(viewer: Viewer, requestId: string, signal?: AbortSignal): AsyncGenerator<AccessRequest> {
    let wake: (() => void) | undefined;
    const stop = () => wake?.();
    signal?.addEventListener('abort', stop, { once: true });
    let changed = true;
    const unsubscribe = this.changes.subscribe((topic, detail) => {
      if (topic === undefined || (topic === 'requests' && detail === requestId)) {
        changed = true;
        wake?.();
      }
    });
    // The stream lasts no longer than the token that opened it.
    const expiry =
      viewer.kind === 'anonymous'
        ? undefined
        : setTimeout(() => wake?.(), Math.max(0, viewer.expiresAt.getTime() - Date.now()));
    try {
      for (;;) {
        if (!changed && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
        if (signal?.aborted) return;
        if (viewer.kind !== 'anonymous' && viewer.expiresAt.getTime() <= Date.now()) return;
        changed = false;
        const request = await this.get(viewer, requestId);
        if (!request) throw new ApertureError('NOT_FOUND', `no access request has the id ${requestId}`);
        yield request;
        if (finalStatuses.includes(request.status)) {
          const grant = await this.grantOf(request);
          if (grant?.status !== 'ACTIVE') return;
        }
      }
    } finally {
      clearTimeout(expiry);
      signal?.removeEventListener('abort', stop);
      unsubscribe();
    }
  }

  readRules(viewer: Viewer): Promise<RuleSet> {
    requireGovernance(viewer, this.deps.governanceGroup);
    return currentRuleSet(this.deps.prisma);
  }

  applyRules(viewer: Viewer, input: RuleSetInput, dryRun: boolean): Promise<ApplyResult> {
    return this.applyRulesJson(viewer, input, dryRun);
  }

  /** Requests filed and decided over time, and how long people took to decide (governance). */
  stats(viewer: Viewer, input: { from: Date; to: Date; bucket: StatsBucket }): Promise<RequestStats> {
    requireGovernance(viewer, this.deps.governanceGroup);
    return requestStats(this.deps.prisma, input);
  }

  /** For a door that receives the rules as untyped JSON (GraphQL's JSON scalar); validated all the same. */
  async applyRulesJson(viewer: Viewer, json: unknown, dryRun: boolean): Promise<ApplyResult> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const rules = parseRuleSet(json, 'rules');
    const result = await applyRuleSet(this.deps.prisma, rules, {
      actor: viewerAuditActor(actor),
      dryRun,
      source: 'graphql',
    });
    this.rules.invalidate();
    return result;
  }

  /** The rules changed elsewhere in this process (an accepted rule suggestion): the next request sees them. */
  rulesChanged(): void {
    this.rules.invalidate();
  }

  /** The durable jobs of requests and grants, by kind. */
  jobHandlers(notifier: ApprovalNotifier): Map<string, JobHandler> {
    const payload = <T>(job: { payload: unknown }) => job.payload as T;
    const handlers: [string, JobHandler][] = [
      [
        'request.expire',
        async (job) => {
          const result = await expireRequest(this.deps.prisma, payload<{ requestId: string }>(job).requestId);
          if (result.expired) this.decided(result.expired);
          retryWhenEarly(result);
        },
      ],
      [
        'request.escalate',
        async (job) =>
          retryWhenEarly(
            await escalateRequest(
              this.deps.prisma,
              payload<{ requestId: string }>(job).requestId,
              this.deps.governanceGroup,
            ),
          ),
      ],
      [
        'grant.expire',
        async (job) =>
          retryWhenEarly(
            await this.changing(expireGrant(this.deps, payload<{ grantId: string }>(job).grantId)),
          ),
      ],
      [
        'grants.recheck',
        async (job) => {
          const { humanIds } = payload<{ humanIds: string[] }>(job);
          await this.changing(recheckGrants(this.deps, humanIds));
          // Their standing consents end too where the rule that asked no longer applies.
          await recheckStandingConsents(this.consentRecheckDeps, humanIds);
        },
      ],
      [approvalNoticeJobKind, async (job) => void (await notifier.notify(payload<ApprovalEvent>(job)))],
    ];
    return new Map(handlers);
  }

  close(): void {
    this.rules.close();
    this.consentSettings.close();
  }
}
