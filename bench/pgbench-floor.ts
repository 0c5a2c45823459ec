import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** What pgbench measured: its TPC-B-like transactions per second and latency average. */
export interface PgbenchFloor {
  tps: number;
  latencyAverageMs: number;
  clients: number;
  seconds: number;
}

/**
 * The write floor of the issue: pgbench's TPC-B-like script (`pgbench -i`, then `-c clients -j 2
 * -T seconds`) on a scratch database of the same PostgreSQL the service writes to, dropped after.
 */
export async function measurePgbenchFloor(
  adminUrl: string,
  options: { clients?: number; seconds?: number } = {},
): Promise<PgbenchFloor> {
  const clients = options.clients ?? 16;
  const seconds = options.seconds ?? 15;
  const name = `aperture_pgbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await run('pgbench', ['-i', '-q', url.toString()]);
    const { stdout } = await run('pgbench', [
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      url.toString(),
    ]);
    const tps = /^tps = ([\d.]+)/m.exec(stdout)?.[1];
    const latency = /^latency average = ([\d.]+) ms/m.exec(stdout)?.[1];
    if (tps === undefined) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return { tps: Number(tps), latencyAverageMs: Number(latency ?? Number.NaN), clients, seconds };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** One line per goal: the measured rate as a share of the floor, and whether it meets its target. */
export function describeGoal(
  label: string,
  perSecond: number,
  floor: PgbenchFloor,
  targetShare: number,
  extra: { p95Ms?: number; maxP95Ms?: number } = {},
): { line: string; met: boolean } {
  const share = perSecond / floor.tps;
  const latencyOk =
    extra.maxP95Ms === undefined || (extra.p95Ms ?? Number.POSITIVE_INFINITY) <= extra.maxP95Ms;
  const met = share >= targetShare && latencyOk;
  const latency =
    extra.maxP95Ms === undefined ? '' : `, p95 ${extra.p95Ms?.toFixed(1)} ms (<= ${extra.maxP95Ms} ms)`;
  return {
    line: `goal: ${label} >= ${(targetShare * 100).toFixed(0)}% of pgbench (${floor.tps.toFixed(0)} tps): ${(share * 100).toFixed(1)}%${latency} — ${met ? 'MET' : 'MISSED'}`,
    met,
  };
}
