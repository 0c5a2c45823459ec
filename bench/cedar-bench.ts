/**
 * npm run bench:cedar — the full-catalog slice for one viewer on the 10,000-dataset company
 * (212,000 objects, 500 policies) against the same policies evaluated with @cedar-policy/cedar-wasm
 * the usual way, one isAuthorized call per object. A call costs milliseconds with 500 policies, so
 * by default every 50th object is decided and the time projected to the whole catalog
 * (BENCH_CEDAR_STRIDE=1 decides all of them: about 11 minutes here). Target (issue #4): >= 20x.
 *
 * Env: BENCH_MODELS (10000), BENCH_CEDAR_STRIDE (50).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/support/test-database.ts';
import { companyOfSize, importCompany, writeCompanyFiles } from './company/large-company.ts';
import { compareWithCedar } from './reads/cedar-comparison.ts';
import { coldFullSlice } from './reads/read-bench.ts';

const size = companyOfSize(Number(process.env.BENCH_MODELS ?? 10_000));
const stride = Number(process.env.BENCH_CEDAR_STRIDE ?? 50);
const dir = await mkdtemp(path.join(tmpdir(), 'aperture-cedar-'));
const db = await createTestDatabase();
try {
  await importCompany(db.prisma, await writeCompanyFiles(dir, size), size);
  const slice = await coldFullSlice(db);
  console.log(
    `aperture: full-catalog slice for one viewer (${slice.objects.length} objects) ${slice.fullSliceMs.toFixed(0)} ms`,
  );
  const cedar = await compareWithCedar({
    policies: slice.policies,
    objects: slice.objects,
    human: slice.human,
    intent: null,
    stride,
  });
  const ratio = cedar.projectedFullMs / slice.fullSliceMs;
  console.log(
    `cedar (${cedar.cedarVersion}, ${cedar.api}, ${cedar.policiesTranslated} policies): ${cedar.calls} calls in ${cedar.cedarMs.toFixed(0)} ms ` +
      `(${((cedar.cedarMs / cedar.calls) * 1000).toFixed(0)} µs per object), projected to ${slice.objects.length} objects: ${(cedar.projectedFullMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `${ratio >= 20 ? 'MET   ' : 'MISSED'} aperture's full-catalog slice vs cedar per object >= 20x: ${ratio.toFixed(0)}x`,
  );
  process.exitCode = ratio >= 20 ? 0 : 1;
} finally {
  await db.dispose();
  await rm(dir, { recursive: true, force: true });
}
