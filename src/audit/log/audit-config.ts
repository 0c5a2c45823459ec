import path from 'node:path';
import { z } from 'zod';
import type { CheckpointKeySource } from './checkpoint-key.ts';

/** Where checkpoints are published: a file, an HTTP endpoint, or a Slack channel. */
export type WitnessConfig =
  | { kind: 'file'; file: string }
  | { kind: 'http'; url: string }
  | { kind: 'slack'; channel: string };

export interface AuditConfig {
  /** The log's name in every checkpoint (c2sp.org/tlog-checkpoint origin line). */
  origin: string;
  key: CheckpointKeySource;
  /** Every event is in a signed checkpoint within this long of its commit. */
  checkpointMs: number;
  witnesses: WitnessConfig[];
}

export const auditEnvironmentSchema = z.object({
  APERTURE_AUDIT_ORIGIN: z
    .string()
    .trim()
    .regex(/^[^\s+]{1,200}$/, 'must be a name without spaces or +, e.g. aperture.example.com/audit')
    .optional(),
  /** The Ed25519 private key (PKCS#8 PEM) itself, e.g. from a secret store. */
  APERTURE_AUDIT_KEY: z
    .string()
    .trim()
    .startsWith('-----BEGIN PRIVATE KEY-----', 'must be a PKCS#8 PEM key')
    .optional(),
  APERTURE_AUDIT_KEY_FILE: z.string().trim().min(1).optional(),
  APERTURE_AUDIT_CHECKPOINT_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
  /** Comma-separated: `file:/path`, `https://host/path`, `slack:C0123` (a channel id). */
  APERTURE_AUDIT_WITNESSES: z
    .string()
    .trim()
    .transform((text, context) => {
      const witnesses: WitnessConfig[] = [];
      for (const item of text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        if (item.startsWith('file:') && item.length > 5)
          witnesses.push({ kind: 'file', file: item.slice(5) });
        else if (/^https?:\/\/.+/.test(item) && URL.canParse(item))
          witnesses.push({ kind: 'http', url: item });
        else if (/^slack:[A-Z0-9]{2,40}$/i.test(item))
          witnesses.push({ kind: 'slack', channel: item.slice(6) });
        else {
          context.addIssue({
            code: 'custom',
            message: `"${item.slice(0, 60)}" is not a witness: use file:/path, https://host/path or slack:<channel id>`,
          });
          return z.NEVER;
        }
      }
      return witnesses;
    })
    .optional(),
});

export type AuditEnvironment = z.infer<typeof auditEnvironmentSchema>;

/**
 * The audit log's settings. The key never lives in the database: an environment secret, a file,
 * or (the embedded default, and outside production) a file created in the data folder. The
 * embedded default also keeps a file witness there, so `aperture audit verify` has checkpoints.
 */
export function auditConfig(
  env: AuditEnvironment,
  context: { dataDir: string; embedded: boolean; production: boolean; publicUrl: string | null },
): AuditConfig | { problem: string } {
  const origin =
    env.APERTURE_AUDIT_ORIGIN ??
    `${context.publicUrl ? new URL(context.publicUrl).host : 'aperture.local'}/audit`;
  let key: CheckpointKeySource;
  if (env.APERTURE_AUDIT_KEY) key = { kind: 'pem', pem: env.APERTURE_AUDIT_KEY };
  else if (env.APERTURE_AUDIT_KEY_FILE)
    key = { kind: 'file', file: env.APERTURE_AUDIT_KEY_FILE, createIfMissing: false };
  else if (context.embedded || !context.production)
    key = {
      kind: 'file',
      file: path.join(context.dataDir, 'audit-checkpoint-key.pem'),
      createIfMissing: true,
    };
  else
    return {
      problem:
        'APERTURE_AUDIT_KEY_FILE: production on PostgreSQL needs the checkpoint signing key (an Ed25519 PEM file, or APERTURE_AUDIT_KEY), kept outside the database',
    };
  const witnesses =
    env.APERTURE_AUDIT_WITNESSES ??
    (context.embedded
      ? [{ kind: 'file' as const, file: path.join(context.dataDir, 'audit-checkpoints.log') }]
      : []);
  return { origin, key, checkpointMs: env.APERTURE_AUDIT_CHECKPOINT_MS, witnesses };
}
