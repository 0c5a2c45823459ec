import type { Prisma } from '../../generated/prisma/client.ts';
import { type AuditActor, appendAuditEvent } from '../audit/index.ts';
import { type ChangeTopic, notifyChange } from '../db/change-feed.ts';
import { type AdvisoryLockName, takeAdvisoryLocks } from '../db/locks/index.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { toJson } from '../shared/json.ts';
import { diffById, isEmptyDiff, type SetDiff } from './diff-by-id.ts';

/** How one kind of versioned set (policies, rules) is stored. */
export interface VersionedSetTable<T> {
  /** Serializes versions across replicas. */
  lockName: AdvisoryLockName;
  auditType: string;
  /** The audit event's subject kind, e.g. `policy-set`. */
  subjectKind: string;
  /** Policy versions are also what every decision names: the event records it as such. */
  isPolicyVersion: boolean;
  topic: ChangeTopic;
  current(tx: Prisma.TransactionClient): Promise<{ version: number; items: T[] }>;
  /** Stores a version: `items` and `summary` (the diff) as JSON. */
  insert(
    tx: Prisma.TransactionClient,
    row: {
      version: number;
      items: Prisma.InputJsonValue;
      summary: Prisma.InputJsonValue;
      createdBy: string | null;
    },
  ): Promise<unknown>;
}

export interface ApplyResult {
  diff: SetDiff;
  /** The version now in force (unchanged when nothing changed or on a dry run). */
  version: number;
  applied: boolean;
}

/**
 * Makes `items` the whole set, as a new version, unless nothing changed or `dryRun`. The change is
 * audited and announced to every replica in the same transaction.
 */
export function applyVersionedSet<T extends { id: string }>(
  prisma: PrismaClient,
  table: VersionedSetTable<T>,
  items: T[],
  options: { actor?: AuditActor | undefined; dryRun?: boolean | undefined; source: string },
): Promise<ApplyResult> {
  return prisma.$transaction(async (tx) => {
    await takeAdvisoryLocks(tx, table.lockName);
    const current = await table.current(tx);
    const diff = diffById(current.items, items);
    if (options.dryRun || isEmptyDiff(diff)) return { diff, version: current.version, applied: false };
    const version = current.version + 1;
    await table.insert(tx, {
      version,
      items: toJson(items) as Prisma.InputJsonValue,
      summary: toJson(diff) as Prisma.InputJsonValue,
      createdBy: options.actor?.humanId ?? null,
    });
    await appendAuditEvent(tx, {
      type: table.auditType,
      actor: options.actor,
      subject: { kind: table.subjectKind, id: String(version) },
      policyVersion: table.isPolicyVersion ? version : undefined,
      payload: { source: options.source, ...diff },
    });
    await notifyChange(tx, table.topic);
    return { diff, version, applied: true };
  });
}
