import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../src/db/migrations/migration-files.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import { createEmptyPostgresDatabase, silentLogger } from '../support/test-database.ts';
import { witnessedAuditLog } from '../support/witnessed-audit-log.ts';

/**
 * A database that kept the old hash chain is migrated: its events are sequenced into the Merkle
 * log in their chain order on the first run, and new events follow them.
 */
let created: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
let database: Database;
beforeAll(async () => {
  created = await createEmptyPostgresDatabase('aperture_audit_migration');
  database = await openDatabase({ kind: 'postgres', url: created.url, poolSize: 3 });
});
afterAll(async () => {
  await database.close();
  await created.drop();
});

describe('migrating the hash-chained audit log', () => {
  it('sequences the existing events in their chain order, then new ones after them, and verifies', async () => {
    const migrations = await readMigrationFiles();
    const merkle = migrations.findIndex((migration) => migration.name.endsWith('_merkle_audit_log'));
    expect(merkle).toBeGreaterThan(0);
    await applyMigrations(database.sql, silentLogger, migrations.slice(0, merkle));
    // Three events as the old chain stored them (seq, prevHash, hash; the head row points at the last).
    for (const seq of [1, 2, 3]) {
      await database.sql.query(
        `INSERT INTO "AuditEvent" (seq, "occurredAt", type, "actorChain", payload, "prevHash", hash)
         VALUES ($1, now(), 'old.event', '[]', $2::jsonb, $3, $4)`,
        [seq, JSON.stringify({ seq }), String(seq - 1).padStart(64, '0'), String(seq).padStart(64, '0')],
      );
    }
    await database.sql.query(`UPDATE "AuditChainHead" SET seq = 3, hash = $1`, ['3'.padStart(64, '0')]);

    await applyMigrations(database.sql, silentLogger, migrations);
    await recordAuditEvent(database.prisma, { type: 'new.event', payload: { after: 'migration' } });
    const log = await witnessedAuditLog(database.prisma);
    expect(await log.sequence()).toBe(4);
    const events = await database.prisma.auditEvent.findMany({ orderBy: { logIndex: 'asc' } });
    expect(events.map((event) => [event.id, event.logIndex, event.type, event.payload])).toEqual([
      [1n, 0n, 'old.event', { seq: 1 }],
      [2n, 1n, 'old.event', { seq: 2 }],
      [3n, 2n, 'old.event', { seq: 3 }],
      [4n, 3n, 'new.event', { after: 'migration' }],
    ]);
    expect(await log.verify()).toEqual({
      ok: true,
      eventsChecked: 4,
      checkpointsMatched: [4],
      unsequenced: 0,
    });
  });
});
