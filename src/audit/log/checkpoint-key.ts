import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type NoteSigner, noteSigner } from './signed-note.ts';

/** Where the checkpoint signing key comes from. Never the database: an insider there must not be able to re-sign. */
export type CheckpointKeySource =
  | { kind: 'pem'; pem: string }
  | { kind: 'file'; file: string; createIfMissing: boolean };

export interface LoadedCheckpointKey {
  signer: NoteSigner;
  /** Set when the key was generated now (the embedded default), so the service can say where. */
  createdAt?: string;
}

/**
 * The Ed25519 key that signs checkpoints: an environment secret (PEM), or a key file. The embedded
 * default creates its file in the data folder on first start (mode 0600), so a laptop run needs no
 * set-up; production names a file or a secret that the database cannot reach.
 */
export async function loadCheckpointKey(
  name: string,
  source: CheckpointKeySource,
): Promise<LoadedCheckpointKey> {
  if (source.kind === 'pem') return { signer: noteSigner(name, source.pem) };
  try {
    return { signer: noteSigner(name, await readFile(source.file, 'utf8')) };
  } catch (error) {
    if (!source.createIfMissing || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await mkdir(path.dirname(source.file), { recursive: true });
  // Written aside, then linked into place: two processes starting at once never see a half-written
  // key, and the first link wins (the other reads the winner's key).
  const aside = `${source.file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(aside, pem, { mode: 0o600 });
  let created = true;
  try {
    await link(aside, source.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  } finally {
    await unlink(aside);
  }
  const signer = noteSigner(name, await readFile(source.file, 'utf8'));
  return created ? { signer, createdAt: source.file } : { signer };
}
