import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The audit settings a production service on PostgreSQL needs (it refuses to start without a
 * checkpoint key outside the database), as an operator sets them: a fresh Ed25519 key from the
 * environment and a file witness in a temporary folder. The benches that start the service in
 * production pass these, so they measure the sequencer and its witness as deployed.
 */
export function benchAuditEnv(): Record<string, string> {
  const folder = mkdtempSync(path.join(tmpdir(), 'aperture-bench-audit-'));
  return {
    APERTURE_AUDIT_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString(),
    APERTURE_AUDIT_WITNESSES: `file:${path.join(folder, 'checkpoints.log')}`,
  };
}
