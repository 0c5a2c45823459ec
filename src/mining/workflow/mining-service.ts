import { randomUUID } from 'node:crypto';
import type { Prisma, RuleSuggestionStatus } from '../../../generated/prisma/client.ts';
import type { AuditActor } from '../../audit/index.ts';
import { type KeysetPage, newestFirstPage } from '../../db/keyset-page.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { requireGovernance } from '../../identity/governance.ts';
import { type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import type { JobHandler } from '../../jobs/job-worker.ts';
import type { Logger } from '../../logging/logger.ts';
import { type RuleInput, ruleSchema } from '../../requests/rules/rule-schema.ts';
import { currentRuleSet } from '../../requests/rules/rule-store.ts';
import { toJson } from '../../shared/json.ts';
import { validateInput } from '../../shared/validate.ts';
import { mineDecisionTable } from '../mine-rules.ts';
import { type MiningOptionsInput, miningOptionsSchema } from '../mining-options.ts';
import { type AcceptedSuggestion, acceptSuggestion } from './accept-suggestion.ts';
import { loadDecisionTable, type MiningProgress } from './load-decision-table.ts';
import { defaultMiningIntervalMs, miningJobKind, nextRunAfter, nextRunJob } from './mining-jobs.ts';
import { type RejectReasonInput, rejectSuggestion } from './reject-suggestion.ts';
import { isUuid } from './review-errors.ts';
import type { RuleSimulationResult } from './rule-simulation.ts';
import { existingRulesFromRuleSet } from './rules-as-existing.ts';
import { simulateRule } from './simulate-rule.ts';
import { type MiningRunSummary, storeMiningResult } from './store-mining-result.ts';
import { type StoredSuggestion, toStoredSuggestion } from './stored-suggestion.ts';
import { LogOnlyDigest, type SuggestionDigest } from './suggestion-digest.ts';
import type { AcceptEditsInput } from './suggestion-to-rule.ts';

/** Which suggestions to list: every status when none is named. */
export interface SuggestionListFilter {
  statuses?: RuleSuggestionStatus[] | undefined;
}

const suggestionsWhere = (filter: SuggestionListFilter): Prisma.RuleSuggestionWhereInput =>
  filter.statuses ? { status: { in: filter.statuses } } : {};

export interface MiningModuleOptions {
  prisma: PrismaClient;
  governanceGroup: string;
  logger: Logger;
  /** Where new suggestions are announced (Slack); default: the log. */
  digest?: SuggestionDigest | undefined;
  /** Time between scheduled runs; default a day. */
  intervalMs?: number;
  /** Mining options of runs that name none (scheduled runs); default the miner's defaults. */
  options?: MiningOptionsInput;
  /** Called once an accepted suggestion changed the rules, e.g. to refresh this replica's rule cache at once. */
  onRulesChanged?: () => void;
}

/** Who started a run: the schedule, the CLI, or governance over the API. */
export type MiningTrigger = 'schedule' | 'cli' | 'graphql';

/**
 * Rule suggestions mined from human decisions, and their review: runs (scheduled as a durable
 * job, or on demand), the suggestions' lifecycle (NEW, ACCEPTED, REJECTED, SUPERSEDED), accepting
 * one as a rule, rejecting one, and backtesting any draft rule. Reviews are governance-only.
 */
export class MiningModule {
  private readonly prisma: PrismaClient;
  private readonly governanceGroup: string;
  private readonly logger: Logger;
  private readonly digest: SuggestionDigest;
  private readonly intervalMs: number;
  private readonly defaultOptions: MiningOptionsInput;
  private readonly onRulesChanged: () => void;

  constructor(options: MiningModuleOptions) {
    this.prisma = options.prisma;
    this.governanceGroup = options.governanceGroup;
    this.logger = options.logger;
    this.digest = options.digest ?? new LogOnlyDigest(options.logger);
    this.intervalMs = options.intervalMs ?? defaultMiningIntervalMs;
    this.defaultOptions = options.options ?? {};
    this.onRulesChanged = options.onRulesChanged ?? (() => {});
  }

  /**
   * Mines the decision history now and stores the suggestions (see `storeMiningResult`). The run
   * is recorded from its start; a failed run is recorded as failed.
   */
  async run(
    trigger: MiningTrigger,
    options: MiningOptionsInput = this.defaultOptions,
    onProgress?: (progress: MiningProgress) => void,
    actor?: AuditActor,
  ): Promise<MiningRunSummary> {
    const settings = validateInput(miningOptionsSchema, options, 'mining options');
    const id = randomUUID();
    const startedAt = new Date();
    await this.prisma.miningRun.create({
      data: { id, trigger, options: toJson(settings) as Prisma.InputJsonValue, startedAt },
    });
    try {
      const { rules } = await currentRuleSet(this.prisma);
      const loaded = await loadDecisionTable(this.prisma, onProgress);
      onProgress?.({ phase: 'mining', done: 0, total: 1 });
      const result = mineDecisionTable(loaded.table, settings, existingRulesFromRuleSet(rules));
      onProgress?.({ phase: 'mining', done: 1, total: 1 });
      const summary = await storeMiningResult(this.prisma, {
        id,
        trigger,
        startedAt,
        requests: loaded.requests,
        skipped: loaded.skipped,
        result,
        actor,
      });
      this.logger.info({ runId: id, trigger, suggestions: summary.suggestions }, 'mining run finished');
      return summary;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.prisma.miningRun
        .update({ where: { id }, data: { finishedAt: new Date(), summary: { failed: message } } })
        .catch((recordError: unknown) =>
          this.logger.error({ err: recordError, runId: id }, 'a failed mining run could not be recorded'),
        );
      throw error;
    }
  }

  /** An on-demand run by governance. */
  runNow(viewer: Viewer, options?: MiningOptionsInput): Promise<MiningRunSummary> {
    const governor = requireGovernance(viewer, this.governanceGroup);
    return this.run('graphql', { ...this.defaultOptions, ...options }, undefined, viewerAuditActor(governor));
  }

  /** A page of suggestions, newest first; all statuses unless some are named. */
  async list(viewer: Viewer, filter: SuggestionListFilter, page: KeysetPage): Promise<StoredSuggestion[]> {
    requireGovernance(viewer, this.governanceGroup);
    const { where, orderBy, take } = newestFirstPage(page);
    const rows = await this.prisma.ruleSuggestion.findMany({
      where: { AND: [suggestionsWhere(filter), where] },
      orderBy,
      take,
    });
    return rows.map(toStoredSuggestion);
  }

  /** How many suggestions the same filter lists. */
  count(viewer: Viewer, filter: SuggestionListFilter): Promise<number> {
    requireGovernance(viewer, this.governanceGroup);
    return this.prisma.ruleSuggestion.count({ where: suggestionsWhere(filter) });
  }

  /** One suggestion with its evidence, or null. */
  async get(viewer: Viewer, id: string): Promise<StoredSuggestion | null> {
    requireGovernance(viewer, this.governanceGroup);
    if (!isUuid(id)) return null;
    const row = await this.prisma.ruleSuggestion.findUnique({ where: { id } });
    return row ? toStoredSuggestion(row) : null;
  }

  async accept(viewer: Viewer, id: string, edits?: AcceptEditsInput): Promise<AcceptedSuggestion> {
    const governor = requireGovernance(viewer, this.governanceGroup);
    const accepted = await acceptSuggestion(this.prisma, governor, id, edits);
    this.onRulesChanged();
    return accepted;
  }

  reject(viewer: Viewer, id: string, reason: RejectReasonInput): Promise<StoredSuggestion> {
    const governor = requireGovernance(viewer, this.governanceGroup);
    return rejectSuggestion(this.prisma, governor, id, reason);
  }

  /** Backtests a draft rule over the decided requests. */
  simulate(viewer: Viewer, rule: RuleInput): Promise<RuleSimulationResult> {
    return this.simulateJson(viewer, rule);
  }

  /** For a door that receives the draft as untyped JSON (GraphQL's JSON scalar); validated all the same. */
  simulateJson(viewer: Viewer, json: unknown): Promise<RuleSimulationResult> {
    requireGovernance(viewer, this.governanceGroup);
    return simulateRule(this.prisma, validateInput(ruleSchema, json, 'rule'));
  }

  /**
   * Schedules the first run at the start of the next interval, unless a run is already scheduled
   * (replicas starting at once schedule the same keyed job). Call at start-up.
   */
  async scheduleFirstRun(): Promise<void> {
    const scheduled = await this.prisma.job.count({ where: { kind: miningJobKind.run, failedAt: null } });
    if (scheduled === 0) await scheduleJobs(this.prisma, [nextRunJob(new Date(), this.intervalMs)]);
  }

  /** The durable jobs of mining, by kind. */
  jobHandlers(): Map<string, JobHandler> {
    const handlers: [string, JobHandler][] = [
      [
        miningJobKind.run,
        async (job) => {
          // The next run first: a run that fails (and is retried) does not end the schedule.
          await scheduleJobs(this.prisma, [nextRunAfter(job, this.intervalMs)]);
          await this.run('schedule');
          return undefined;
        },
      ],
      [
        miningJobKind.digest,
        async (job) => {
          const { runId, suggestionIds } = job.payload as { runId: string; suggestionIds: string[] };
          await this.postDigest(runId, suggestionIds);
          return undefined;
        },
      ],
    ];
    return new Map(handlers);
  }

  /** Posts the suggestions of a run that are still NEW (some may have been reviewed already). */
  private async postDigest(runId: string, suggestionIds: readonly string[]): Promise<void> {
    const rows = await this.prisma.ruleSuggestion.findMany({
      where: { id: { in: [...suggestionIds] }, status: 'NEW' },
    });
    if (rows.length === 0) return;
    const suggestions = rows
      .map(toStoredSuggestion)
      .sort((a, b) => b.evidence.support - a.evidence.support || a.fingerprint.localeCompare(b.fingerprint));
    await this.digest.post(suggestions, { runId });
  }

  /** Whether new suggestions reach a governance channel (otherwise only the log and the API). */
  get digestConfigured(): boolean {
    return this.digest.configured;
  }
}
