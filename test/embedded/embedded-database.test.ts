import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { DataFolderLockedError } from '../../src/db/embedded/data-folder-lock.ts';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { silentLogger } from '../support/test-database.ts';
import { witnessedAuditLog } from '../support/witnessed-audit-log.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-embedded-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('embedded database (PGlite in a data folder)', () => {
  it('migrates, imports, keeps data across restarts and verifies the audit chain', async () => {
    const first = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const migrated = await applyMigrations(first.sql, silentLogger);
      expect(migrated.applied.length).toBeGreaterThan(0);
      const summary = await importDbtManifest(
        first.prisma,
        path.resolve('test/fixtures/dbt/manifest-v11.json'),
      );
      expect(summary.datasets.added).toBe(8);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ kind: 'embedded', dataDir });
    try {
      expect((await applyMigrations(second.sql, silentLogger)).applied).toEqual([]);
      expect(await second.prisma.dataset.count()).toBe(8);
      const again = await importDbtManifest(
        second.prisma,
        path.resolve('test/fixtures/dbt/manifest-v11.json'),
      );
      expect(again.datasets.unchanged).toBe(8);
      const log = await witnessedAuditLog(second.prisma);
      expect(await log.sequence()).toBe(2);
      expect(await log.verify()).toEqual({
        ok: true,
        eventsChecked: 2,
        checkpointsMatched: [2],
        unsequenced: 0,
      });
    } finally {
      await second.close();
    }
  });

  it('refuses a second process on the same data folder with a clear message', async () => {
    const holder = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const error = await openDatabase({ kind: 'embedded', dataDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataFolderLockedError);
      expect((error as Error).message).toMatch(/in use by another aperture process/);
    } finally {
      await holder.close();
    }
    const reopened = await openDatabase({ kind: 'embedded', dataDir });
    await reopened.close();
  });
});
