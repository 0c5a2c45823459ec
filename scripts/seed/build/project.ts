import { createHash } from 'node:crypto';

export const projectName = 'acme_analytics';
export const modelsDatabase = 'analytics';
export const rawDatabase = 'raw';
export const stagingSchema = 'staging';
export const seedSchema = 'reference';
export const snapshotSchema = 'snapshots';
export const rootPath = '/usr/app/acme_analytics';

export const dbtVersion = '1.8.7';
export const generatedAt = '2025-01-15T06:00:00.000000Z';
/** Epoch seconds of `generatedAt`; parse times are spread just before it. */
const generatedEpoch = Date.parse('2025-01-15T06:00:00Z') / 1000;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Deterministic UUID-shaped id from a seed string. */
export function stableUuid(seed: string): string {
  const h = sha256(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `created_at` values: strictly increasing, deterministic. */
export function createClock(): () => number {
  let tick = 0;
  return () => {
    tick += 1;
    return Math.round((generatedEpoch - 120 + tick * 0.0137) * 1e6) / 1e6;
  };
}

export function relationName(database: string, schema: string, alias: string): string {
  return `"${database}"."${schema}"."${alias}"`;
}

export function uniqueDeduped(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
