import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditSequencer } from '../../src/audit/log/audit-sequencer.ts';
import { openCheckpoints } from '../../src/audit/log/checkpoint-sources.ts';
import { noteSigner, parseVerifierKey, verifierKeyString } from '../../src/audit/log/signed-note.ts';
import { type AuditLogVerification, verifyStoredLog } from '../../src/audit/log/stored-log.ts';
import { fileWitness, notesInWitnessFile } from '../../src/audit/log/witnesses.ts';
import type { PrismaClient } from '../../src/db/open-database.ts';
import { silentLogger } from './test-database.ts';

export const testAuditOrigin = 'aperture.test/audit';

/**
 * A test database's audit log with its own signing key and a file witness in a temporary folder,
 * as an operator would run it: `sequence()` runs one sequencer round (sequences, signs, publishes),
 * `verify()` checks the stored log against the witnessed checkpoints, and `env` points the CLI
 * (`aperture audit verify`) or a service at the same key and witness.
 */
export async function witnessedAuditLog(prisma: PrismaClient) {
  const folder = await mkdtemp(path.join(tmpdir(), 'aperture-audit-'));
  const keyFile = path.join(folder, 'audit-checkpoint-key.pem');
  const witnessFile = path.join(folder, 'checkpoints.log');
  await writeFile(
    keyFile,
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
  const signer = noteSigner(testAuditOrigin, await readFile(keyFile, 'utf8'));
  const verifier = parseVerifierKey(verifierKeyString(signer.name, signer.publicKey))!;
  const sequencer = new AuditSequencer({
    prisma,
    signer,
    origin: testAuditOrigin,
    witnesses: [fileWitness(witnessFile)],
    logger: silentLogger,
    checkpointMs: 100,
  });
  const witnessedNotes = async () => notesInWitnessFile(await readFile(witnessFile, 'utf8').catch(() => ''));
  return {
    keyFile,
    witnessFile,
    signer,
    verifier,
    publicKey: verifierKeyString(signer.name, signer.publicKey),
    env: {
      APERTURE_AUDIT_ORIGIN: testAuditOrigin,
      APERTURE_AUDIT_KEY_FILE: keyFile,
      APERTURE_AUDIT_WITNESSES: `file:${witnessFile}`,
    },
    witnessedNotes,
    /** One sequencer round: what committed is sequenced, signed and witnessed. */
    sequence: () => sequencer.runOnce(),
    async verify(): Promise<AuditLogVerification> {
      const opened = openCheckpoints(await witnessedNotes(), verifier, testAuditOrigin);
      if ('problem' in opened) throw new Error(opened.problem);
      return verifyStoredLog(prisma, opened.checkpoints);
    },
  };
}

export type WitnessedAuditLog = Awaited<ReturnType<typeof witnessedAuditLog>>;
