import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** Thrown when another aperture process already uses the embedded data folder. */
export class DataFolderLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${path.resolve(dataDir)} is in use by another aperture process. ` +
        'PGlite allows one process per data folder: stop the other process, or set APERTURE_DATA_DIR to another folder, or use DATABASE_URL for PostgreSQL.',
    );
    this.name = 'DataFolderLockedError';
  }
}

export type ReleaseLock = () => Promise<void>;

/**
 * Takes an exclusive lock on the data folder. PGlite has no cross-process lock of its own, and two
 * processes on one folder silently lose writes. A crashed holder's lock goes stale and is taken over.
 */
export async function lockDataFolder(dataDir: string): Promise<ReleaseLock> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, 'aperture.lock'),
      stale: 15_000,
      update: 5_000,
      retries: 0,
      realpath: false,
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ELOCKED') {
      throw new DataFolderLockedError(dataDir);
    }
    throw error;
  }
}
