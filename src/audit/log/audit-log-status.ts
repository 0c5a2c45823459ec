import type { PrismaClient } from '../../db/open-database.ts';
import { openCheckpoints, readCheckpointNotes } from './checkpoint-sources.ts';
import { parseVerifierKey } from './signed-note.ts';
import { verifyStoredLog } from './stored-log.ts';

/** The newest signed checkpoint, as stored (the witnesses hold copies). */
export interface CheckpointView {
  size: number;
  /** Hex. */
  rootHash: string;
  signedAt: Date;
  /** The signed note (c2sp.org/tlog-checkpoint). */
  note: string;
  /** `<origin>+<key id>+<base64 Ed25519 key>`: what checks the note. */
  verifierKey: string;
}

/** What `aperture audit verify` finds, as this replica last checked. */
export interface LogVerificationReport {
  ok: boolean;
  /** Events recomputed and found in place. */
  checkedSize: number;
  problems: string[];
  verifiedAt: Date;
}

/** How long a verification result is reused: reading the whole log on every call would not do. */
export const verificationTtlMs = 60_000;

/**
 * The log's state for governance: its size, its newest checkpoint, and a verification of the
 * stored events against signed checkpoints, run at most once a minute per replica (callers in
 * between share the last result, or the run under way).
 */
export class AuditLogStatus {
  private last: { report: Promise<LogVerificationReport>; at: number } | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly origin: string,
    private readonly publicKey: string,
    /** Witness files (outside the database) whose checkpoints the log is checked against. */
    private readonly checkpointFiles: readonly string[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Events sequenced into the tree (the newest checkpoint may lag by a second). */
  async size(): Promise<number> {
    const log = await this.prisma.auditLog.findUnique({ where: { id: 1 }, select: { size: true } });
    return Number(log?.size ?? 0n);
  }

  /** When the oldest event still waiting for its log index occurred (null: none waits). */
  async oldestUnsequencedAt(): Promise<Date | null> {
    const oldest = await this.prisma.auditEvent.findFirst({
      where: { logIndex: null },
      orderBy: { id: 'asc' },
      select: { occurredAt: true },
    });
    return oldest?.occurredAt ?? null;
  }

  async latestCheckpoint(): Promise<CheckpointView | null> {
    const row = await this.prisma.auditCheckpoint.findFirst({ orderBy: { size: 'desc' } });
    if (!row) return null;
    return {
      size: Number(row.size),
      rootHash: row.root,
      signedAt: row.signedAt,
      note: row.note,
      verifierKey: this.publicKey,
    };
  }

  verification(): Promise<LogVerificationReport> {
    const now = this.now();
    if (!this.last || now - this.last.at >= verificationTtlMs) {
      const report = this.verify();
      this.last = { report, at: now };
      // A failed run is not remembered: the next caller tries again.
      report.catch(() => {
        if (this.last?.report === report) this.last = undefined;
      });
    }
    return this.last.report;
  }

  /**
   * As `aperture audit verify`: recomputes the tree from the stored events and checks it against
   * the checkpoints of the file witnesses and the newest stored one, each opened with the log's key
   * (a note the key did not sign is a problem, not a checkpoint).
   */
  private async verify(): Promise<LogVerificationReport> {
    const verifier = parseVerifierKey(this.publicKey);
    if (!verifier) throw new Error('the audit log public key does not parse');
    const latest = await this.prisma.auditCheckpoint.findFirst({ orderBy: { size: 'desc' } });
    const problems: string[] = [];
    const notes: string[] = latest ? [latest.note] : [];
    for (const file of this.checkpointFiles) {
      try {
        notes.push(...(await readCheckpointNotes(file)));
      } catch (error) {
        problems.push(`witness file:${file} could not be read: ${(error as Error).message}`);
      }
    }
    const opened = openCheckpoints(notes, verifier, this.origin);
    const verifiedAt = new Date(this.now());
    if ('problem' in opened)
      return { ok: false, checkedSize: 0, problems: [...problems, opened.problem], verifiedAt };
    const result = await verifyStoredLog(this.prisma, opened.checkpoints);
    if (result.problem) problems.push(result.problem.reason);
    return {
      ok: result.ok && problems.length === 0,
      checkedSize: result.eventsChecked,
      problems,
      verifiedAt,
    };
  }
}
