import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditActor, appendAuditEvent } from '../../audit/index.ts';
import { advisoryLocks, takeAdvisoryLocks } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import { toJson } from '../../shared/json.ts';
import type { BacktestSummary } from '../backtest.ts';
import type { RuleConflict } from '../existing-rules.ts';
import type { MiningCalibration, MiningResult, RuleSuggestion } from '../rule-suggestion.ts';
import type { VetoedSuggestion } from '../vetoed-suggestions.ts';
import { suggestionFingerprint } from './fingerprint.ts';
import { digestJob } from './mining-jobs.ts';
import { type PreviousRejection, type StoredEvidence, toStoredSuggestion } from './stored-suggestion.ts';
import { planSuggestionChanges, type SuggestionPlan } from './suggestion-lifecycle.ts';

/** What one mining run did, as stored on the run and shown to whoever started it. */
export interface MiningRunSummary {
  runId: string;
  trigger: string;
  startedAt: string;
  finishedAt: string;
  /** Requests people decided, and the decisions mined from them (one per requested object). */
  requests: number;
  decisions: number;
  /** Decided requests left out: their snapshot could not be read. */
  skipped: number;
  suggestions: {
    /** What the miner found this run. */
    mined: number;
    /** Stored as NEW for the first time (including rejected ones back on new evidence). */
    new: number;
    /** Of those, rejected before and back because their evidence changed materially. */
    resurfaced: number;
    /** Already NEW: refreshed in place with the new evidence. */
    refreshed: number;
    /** NEW before, not found again: SUPERSEDED. */
    superseded: number;
    /** Found again but rejected before, on evidence that did not change materially. */
    withheldRejected: number;
    /** Found again but accepted before (the rule exists). */
    withheldAccepted: number;
  };
  /** Approve rules the history supports that were not suggested: they would approve "not me" requests. */
  vetoed: VetoedSuggestion[];
  /** All mined suggestions together, replayed over the history (deny wins). */
  backtest: BacktestSummary;
  stats: MiningResult['stats'];
  /**
   * How the run's threshold was chosen (the result's calibration without every threshold it
   * measured). Absent from summaries stored before runs were calibrated.
   */
  calibration?: Omit<MiningCalibration, 'measured'>;
}

/** Serializes the storing of runs across replicas (the mining itself may overlap). */

/** Keeps one entry per rule (the miner lists a rule once per conjunction it was split into). */
function mergeConflicts(conflicts: readonly RuleConflict[]): RuleConflict[] {
  const byRule = new Map<string, RuleConflict>();
  for (const conflict of conflicts) {
    const seen = byRule.get(conflict.ruleId);
    if (!seen || conflict.sharedDecisions > seen.sharedDecisions) byRule.set(conflict.ruleId, conflict);
  }
  return [...byRule.values()];
}

function evidenceOf(suggestion: RuleSuggestion, previousRejection?: PreviousRejection): StoredEvidence {
  return { ...suggestion.evidence, ...(previousRejection ? { previousRejection } : {}) };
}

function withoutMeasured({ measured: _measured, ...calibration }: MiningCalibration) {
  return calibration;
}

const json = (value: unknown) => toJson(value) as Prisma.InputJsonValue;

/**
 * Stores a run's suggestions by the lifecycle rules (see `planSuggestionChanges`), finishes the
 * run, audits it and, when there are new suggestions, schedules the digest: all in one transaction,
 * under a lock that serializes runs finishing at once on several replicas.
 */
export function storeMiningResult(
  prisma: PrismaClient,
  run: {
    id: string;
    trigger: string;
    startedAt: Date;
    requests: number;
    skipped: number;
    result: MiningResult;
    actor?: AuditActor | undefined;
  },
): Promise<MiningRunSummary> {
  const { result } = run;
  const fingerprints = result.suggestions.map((suggestion) =>
    suggestionFingerprint(suggestion.action, suggestion.conditions),
  );
  return prisma.$transaction(
    async (tx) => {
      await takeAdvisoryLocks(tx, advisoryLocks.mining);
      const known = (
        await tx.ruleSuggestion.findMany({
          where: { OR: [{ status: 'NEW' }, { fingerprint: { in: fingerprints } }] },
        })
      ).map(toStoredSuggestion);
      const plan = planSuggestionChanges(result.suggestions, known);
      const created = await writePlan(tx, run.id, plan);
      const finishedAt = new Date();
      const summary: MiningRunSummary = {
        runId: run.id,
        trigger: run.trigger,
        startedAt: run.startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        requests: run.requests,
        decisions: result.stats.decisions,
        skipped: run.skipped,
        suggestions: {
          mined: result.suggestions.length,
          new: plan.create.length,
          resurfaced: plan.create.filter((entry) => entry.previousRejection).length,
          refreshed: plan.refresh.length,
          superseded: plan.supersede.length,
          withheldRejected: plan.withheldRejected.length,
          withheldAccepted: plan.withheldAccepted.length,
        },
        vetoed: result.vetoed,
        backtest: result.backtest,
        stats: result.stats,
        calibration: withoutMeasured(result.calibration),
      };
      await tx.miningRun.update({
        where: { id: run.id },
        data: { finishedAt, decisions: result.stats.decisions, summary: json(summary) },
      });
      if (created.length > 0) await scheduleJobs(tx, [digestJob(run.id, created)]);
      await appendAuditEvent(tx, {
        type: 'mining.run',
        actor: run.actor,
        subject: { kind: 'mining-run', id: run.id },
        payload: { trigger: run.trigger, decisions: summary.decisions, suggestions: summary.suggestions },
      });
      return summary;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** Applies a plan; returns the ids of the suggestions created. */
async function writePlan(
  tx: Prisma.TransactionClient,
  runId: string,
  plan: SuggestionPlan,
): Promise<string[]> {
  const rows = plan.create.map(({ fingerprint, suggestion, previousRejection }) => ({
    id: randomUUID(),
    fingerprint,
    action: suggestion.action,
    conditions: json(suggestion.conditions),
    evidence: json(evidenceOf(suggestion, previousRejection)),
    conflicts: json(mergeConflicts(suggestion.conflicts)),
    status: 'NEW' as const,
    miningRunId: runId,
  }));
  if (rows.length > 0) await tx.ruleSuggestion.createMany({ data: rows });
  for (const { id, suggestion, previousRejection } of plan.refresh) {
    // Only while still NEW: a review that got in first keeps the evidence it was reviewed on.
    await tx.ruleSuggestion.updateMany({
      where: { id, status: 'NEW' },
      data: {
        conditions: json(suggestion.conditions),
        evidence: json(evidenceOf(suggestion, previousRejection)),
        conflicts: json(mergeConflicts(suggestion.conflicts)),
        miningRunId: runId,
      },
    });
  }
  if (plan.supersede.length > 0) {
    await tx.ruleSuggestion.updateMany({
      where: { id: { in: plan.supersede }, status: 'NEW' },
      data: { status: 'SUPERSEDED' },
    });
  }
  return rows.map((row) => row.id);
}
