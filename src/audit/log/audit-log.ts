import type { PrismaClient } from '../../db/open-database.ts';
import type { Logger } from '../../logging/logger.ts';
import { AuditEventReader } from '../read/audit-event-reader.ts';
import type { AuditConfig } from './audit-config.ts';
import { AuditLogStatus } from './audit-log-status.ts';
import { AuditSequencer, type WitnessHealth } from './audit-sequencer.ts';
import { loadCheckpointKey } from './checkpoint-key.ts';
import { verifierKeyString } from './signed-note.ts';
import { fileWitness, httpWitness, type Witness } from './witnesses.ts';

/** Posts a checkpoint note to a Slack channel (the Slack adapter provides it when Slack is configured). */
export type SlackPoster = (channel: string, text: string) => Promise<void>;

export interface LatestCheckpoint {
  origin: string;
  size: number;
  /** The signed note (c2sp.org/tlog-checkpoint). */
  checkpoint: string;
  /** The verifier key: `<origin>+<key id>+<base64 Ed25519 key>`. */
  publicKey: string;
}

/**
 * The Merkle audit log of one process: its signing key (never from the database), the sequencer
 * that every replica runs, and the witnesses that hold checkpoints outside the database.
 */
export class AuditLog {
  private constructor(
    private readonly prisma: PrismaClient,
    readonly origin: string,
    readonly publicKey: string,
    readonly sequencer: AuditSequencer,
    private readonly logger: Logger,
    /** Size, newest checkpoint and a cached verification, for governance (GraphQL `auditLogStatus`). */
    readonly status: AuditLogStatus,
  ) {}

  static async open(options: {
    prisma: PrismaClient;
    config: AuditConfig;
    logger: Logger;
    postToSlack?: SlackPoster;
  }): Promise<AuditLog> {
    const { config, logger } = options;
    const { signer, createdAt } = await loadCheckpointKey(config.origin, config.key);
    if (createdAt) {
      logger.info(
        { keyFile: createdAt },
        'created the audit checkpoint signing key in the data folder; keep a copy of its public key outside this machine',
      );
    }
    const witnesses = config.witnesses.flatMap((witness): Witness[] => {
      if (witness.kind === 'file') return [fileWitness(witness.file)];
      if (witness.kind === 'http') return [httpWitness(witness.url)];
      const post = options.postToSlack;
      if (!post) {
        logger.warn(
          { channel: witness.channel },
          'a Slack audit witness is configured but Slack is not: it is skipped',
        );
        return [];
      }
      return [
        {
          name: `slack:${witness.channel}`,
          // A channel is read by people: the newest checkpoint every ten minutes at most.
          minIntervalMs: 600_000,
          publish: (note) => post(witness.channel, `Audit checkpoint\n\`\`\`\n${note}\`\`\``),
        },
      ];
    });
    const sequencer = new AuditSequencer({
      prisma: options.prisma,
      signer,
      origin: config.origin,
      witnesses,
      logger: logger.child({ component: 'audit' }),
      checkpointMs: config.checkpointMs,
    });
    const publicKey = verifierKeyString(signer.name, signer.publicKey);
    const checkpointFiles = config.witnesses.flatMap((witness) =>
      witness.kind === 'file' ? [witness.file] : [],
    );
    return new AuditLog(
      options.prisma,
      config.origin,
      publicKey,
      sequencer,
      logger,
      new AuditLogStatus(options.prisma, config.origin, publicKey, checkpointFiles),
    );
  }

  /** Starts sequencing in the background (the service does; a CLI command signs once, if at all). */
  start(): void {
    if (this.sequencer.health().length === 0) {
      this.logger.warn(
        'no audit witness is configured (APERTURE_AUDIT_WITNESSES): checkpoints stay in the database and at /.well-known/aperture-audit-checkpoint only',
      );
    }
    this.sequencer.start();
  }

  stop(): Promise<void> {
    return this.sequencer.stop();
  }

  /** The events as governance reads them (GraphQL `auditEvents`). */
  events(): AuditEventReader {
    return new AuditEventReader(this.prisma);
  }

  witnesses(): WitnessHealth[] {
    return this.sequencer.health();
  }

  async latest(): Promise<LatestCheckpoint | null> {
    const row = await this.prisma.auditCheckpoint.findFirst({ orderBy: { size: 'desc' } });
    if (!row) return null;
    return { origin: this.origin, size: Number(row.size), checkpoint: row.note, publicKey: this.publicKey };
  }
}
