import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { type CliRun, runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestService } from '../support/test-service.ts';
import {
  testAuditOrigin,
  type WitnessedAuditLog,
  witnessedAuditLog,
} from '../support/witnessed-audit-log.ts';
import {
  consistencyHolds,
  inclusionHolds,
  leafHashOf,
  openSignedCheckpoint,
} from './support/independent-verifier.ts';

/**
 * What `aperture audit prove` and `aperture audit consistency` print is checked by a verifier
 * written from RFC 9162 and the C2SP note format (test/audit/support/independent-verifier.ts),
 * which shares no code with the log: anyone holding the public key can check aperture's proofs.
 */

let db: TestDatabase;
let log: WitnessedAuditLog;
/** Checkpoints are signed at these sizes. */
const signedSizes = [1, 4, 7, 8, 13];

beforeAll(async () => {
  db = await createTestDatabase();
  log = await witnessedAuditLog(db.prisma);
  let written = 0;
  for (const size of signedSizes) {
    while (written < size) {
      await recordAuditEvent(db.prisma, {
        type: 'test.proof',
        actor: { humanId: null, agentChain: ['agent-a'] },
        subject: { kind: 'dataset', id: `d-${written}` },
        payload: { written, text: 'caf\u00e9 \u2603', nested: { b: [1, 2], a: null } },
        policyVersion: 2,
      });
      written += 1;
    }
    await log.sequence();
  }
});
afterAll(() => db.dispose());

const cliOn = (database: TestDatabase, audit: WitnessedAuditLog, args: string[]): Promise<CliRun> =>
  runCli(['audit', ...args], {
    DATABASE_URL: database.url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...audit.env,
  });
const cli = (args: string[]) => cliOn(db, log, args);

/** One `prove` output, reused by the note test. */
let proveOutput: { checkpoint: string } | undefined;

const hex = (values: readonly string[]) => values.map((value) => Buffer.from(value, 'hex'));

describe('proofs checked by an independent verifier', () => {
  it('`aperture audit prove <index>` prints an inclusion proof that holds against the signed checkpoint', async () => {
    const indexes = [0, 12];
    const runs = await Promise.all(indexes.map((index) => cli(['prove', String(index)])));
    for (const [position, index] of indexes.entries()) {
      const run = runs[position]!;
      expect(run.exitCode, run.stderr).toBe(0);
      const proof = JSON.parse(run.stdout) as {
        index: string;
        treeSize: number;
        entry: string;
        leafHash: string;
        proof: string[];
        checkpoint: string;
      };
      // The trust anchor is the key we know, not the one the output names.
      proveOutput = proof;
      const checkpoint = openSignedCheckpoint(proof.checkpoint, log.publicKey);
      expect(checkpoint).toMatchObject({ origin: testAuditOrigin, size: 13 });
      expect(JSON.parse(proof.entry)).toMatchObject({ index: String(index), type: 'test.proof' });
      const leaf = leafHashOf(Buffer.from(proof.entry, 'utf8'));
      expect(leaf.toString('hex')).toBe(proof.leafHash);
      expect(inclusionHolds(index, checkpoint!.size, leaf, hex(proof.proof), checkpoint!.root)).toBe(true);

      // The same proof for another index, another leaf or with one hash changed does not hold.
      expect(inclusionHolds((index + 1) % 13, 13, leaf, hex(proof.proof), checkpoint!.root)).toBe(false);
      const otherEntry = proof.entry.replace('agent-a', 'agent-b');
      expect(
        inclusionHolds(index, 13, leafHashOf(Buffer.from(otherEntry)), hex(proof.proof), checkpoint!.root),
      ).toBe(false);
      const bent = hex(proof.proof);
      bent[0]![0]! ^= 1;
      expect(inclusionHolds(index, 13, leaf, bent, checkpoint!.root)).toBe(false);
    }
  }, 60_000);

  it('a note signed by another key, or edited, does not open', async () => {
    const note = proveOutput!.checkpoint;
    expect(openSignedCheckpoint(note.replace('\n13\n', '\n14\n'), log.publicKey)).toBeNull();
    const [name, id] = log.publicKey.split('+', 2);
    const otherKey = `${name}+${id}+${Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 7)]).toString('base64')}`;
    expect(openSignedCheckpoint(note, otherKey)).toBeNull();
  }, 30_000);

  it('`aperture audit consistency <old> [<new>]` proves each signed checkpoint a prefix of a later one', async () => {
    const pairs = [
      [1, 13],
      [7, 8],
      [8, 13],
      [4, undefined],
    ] as const;
    const runs = await Promise.all(
      pairs.map(([from, to]) => cli(['consistency', String(from), ...(to ? [String(to)] : [])])),
    );
    for (const [position, [from, to]] of pairs.entries()) {
      const run = runs[position]!;
      expect(run.exitCode, run.stderr).toBe(0);
      const output = JSON.parse(run.stdout) as {
        oldSize: number;
        newSize: number;
        proof: string[];
        oldCheckpoint: string;
        newCheckpoint: string;
      };
      const older = openSignedCheckpoint(output.oldCheckpoint, log.publicKey)!;
      const newer = openSignedCheckpoint(output.newCheckpoint, log.publicKey)!;
      expect([older.size, newer.size]).toEqual([from, to ?? 13]);
      expect(consistencyHolds(older.size, newer.size, hex(output.proof), older.root, newer.root)).toBe(true);
      if (output.proof.length > 0) {
        const bent = hex(output.proof);
        bent.at(-1)![0]! ^= 1;
        expect(consistencyHolds(older.size, newer.size, bent, older.root, newer.root)).toBe(false);
      }
    }
  }, 90_000);

  it('refuses sizes that no checkpoint signed, and a stored log that no longer matches', async () => {
    const unsigned = await cli(['consistency', '5', '13']);
    expect(unsigned.exitCode).toBe(2);
    expect(unsigned.stderr).toMatch(/No signed checkpoint of size 5: sizes signed are 1, 4, 7, 8, 13/);

    // The last test of this log: it edits the stored events.
    await db.sql.query(`UPDATE "AuditEvent" SET payload = '{"forged": true}' WHERE "logIndex" = 9`);
    const broken = await cli(['consistency', '8', '13']);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/the stored log no longer matches these signed checkpoints/);
  }, 60_000);
});

describe('/.well-known/aperture-audit-checkpoint', () => {
  let served: TestDatabase;
  let servedLog: WitnessedAuditLog;
  let service: RunningService;
  beforeAll(async () => {
    served = await createTestDatabase();
    servedLog = await witnessedAuditLog(served.prisma);
    service = await startTestService(served, {
      env: { ...servedLog.env, APERTURE_AUDIT_CHECKPOINT_MS: '100' },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await served?.dispose();
  });

  it('serves the newest signed checkpoint and the key that verifies it; `audit verify --checkpoint <url>` checks the log against it', async () => {
    for (let index = 0; index < 5; index += 1)
      await recordAuditEvent(served.prisma, { type: 'test.well-known' });
    const url = `${service.url}/.well-known/aperture-audit-checkpoint`;
    let latest: { origin: string; size: number; checkpoint: string; publicKey: string } | undefined;
    const deadline = Date.now() + 10_000;
    while (latest?.size !== 5) {
      if (Date.now() > deadline) throw new Error(`the checkpoint never reached 5: ${JSON.stringify(latest)}`);
      const response = await fetch(url);
      if (response.ok) latest = (await response.json()) as typeof latest;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latest.publicKey).toBe(servedLog.publicKey);
    expect(openSignedCheckpoint(latest.checkpoint, latest.publicKey)).toMatchObject({
      origin: testAuditOrigin,
      size: 5,
    });

    const run = await cliOn(served, servedLog, ['verify', '--checkpoint', url, '--key', latest.publicKey]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /Audit log intact: 5 events verified; consistent with 1 signed checkpoints up to size 5/,
    );

    await served.sql.query(`DELETE FROM "AuditEvent" WHERE "logIndex" = 4`);
    const broken = await cliOn(served, servedLog, ['verify', '--checkpoint', url]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(
      /BROKEN at index 4: the signed checkpoint covers 5 events but only 4 are stored/,
    );
  }, 60_000);
});
