import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPolicySet, currentPolicySet, readPolicyFile } from '../../src/policy/store/policy-store.ts';
import { failureOf } from '../support/failure-of.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { witnessedAuditLog } from '../support/witnessed-audit-log.ts';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'aperture-policies-'));
});
afterAll(() => db.dispose());

async function file(name: string, text: string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, text);
  return target;
}

const base = `
policies:
  - id: read-public
    description: Public data for everyone
    effect: allow
    tier: READ
    resources: { sensitivities: [PUBLIC] }
  - id: no-ssn
    description: Never national ids
    effect: deny
    tier: READ
    resources: { kinds: [column], tags: ["pii:ssn"] }
`;

describe('policy set versions', () => {
  it('applies a file as a new version, shows the difference, and changes nothing when nothing differs', async () => {
    const first = await applyPolicySet(db.prisma, await readPolicyFile(await file('a.yaml', base)), {
      source: 'a.yaml',
    });
    expect(first).toMatchObject({
      applied: true,
      version: 1,
      diff: { added: ['read-public', 'no-ssn'], changed: [], removed: [] },
    });
    const same = await applyPolicySet(db.prisma, await readPolicyFile(await file('a.yaml', base)), {
      source: 'a.yaml',
    });
    expect(same).toMatchObject({ applied: false, version: 1, diff: { unchanged: 2 } });

    const edited = base
      .replace('Public data for everyone', 'Public reference data')
      .replace(/ {2}- id: no-ssn[\s\S]*$/, '');
    const dry = await applyPolicySet(db.prisma, await readPolicyFile(await file('b.yaml', edited)), {
      source: 'b.yaml',
      dryRun: true,
    });
    expect(dry).toMatchObject({
      applied: false,
      version: 1,
      diff: { changed: ['read-public'], removed: ['no-ssn'] },
    });
    expect((await currentPolicySet(db.prisma)).policies).toHaveLength(2);

    const second = await applyPolicySet(db.prisma, await readPolicyFile(await file('b.yaml', edited)), {
      source: 'b.yaml',
    });
    expect(second).toMatchObject({ applied: true, version: 2 });
    expect((await currentPolicySet(db.prisma)).policies.map((policy) => policy.id)).toEqual(['read-public']);
    const events = await db.prisma.auditEvent.findMany({
      where: { type: 'policies.applied' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((event) => event.policyVersion)).toEqual([1, 2]);
    const log = await witnessedAuditLog(db.prisma);
    await log.sequence();
    expect((await log.verify()).ok).toBe(true);
  });

  it('concurrent applies get consecutive versions', async () => {
    const policies = await readPolicyFile(await file('c.yaml', base));
    const variants = [0, 1, 2, 3].map((index) =>
      policies.map((policy) => ({ ...policy, description: `${policy.description} (${index})` })),
    );
    const results = await Promise.all(
      variants.map((variant) => applyPolicySet(db.prisma, variant, { source: 'race' })),
    );
    expect(results.map((result) => result.version).sort()).toEqual([3, 4, 5, 6]);
  });

  it('rejects a bad file with the policy and field named, and changes nothing', async () => {
    const before = await currentPolicySet(db.prisma);
    const bad = await file(
      'bad.yaml',
      `${base}
  - id: broken
    description: Bad glob and unsafe filter
    effect: allow
    tier: READ
    resources: { paths: ["dw..x"] }
    rowFilters: [{ predicate: "1=1; DROP TABLE x" }]
  - id: read-public
    description: duplicate
    effect: allow
    tier: READ
`,
    );
    const error = await failureOf(readPolicyFile(bad));
    expect(error.message).toContain(bad);
    expect(error.message).toMatch(
      /policies\[2\] \(broken\)\.resources\.paths\.0: glob "dw\.\.x" has an empty segment/,
    );
    expect(error.message).toMatch(/policies\[2\] \(broken\)\.rowFilters\.0\.predicate: must not contain ;/);
    expect(error.message).toMatch(/policies\[3\] \(read-public\)\.id: duplicate policy id read-public/);
    expect(await currentPolicySet(db.prisma)).toEqual(before);
    const yamlError = await failureOf(
      readPolicyFile(await file('broken.yaml', 'policies:\n  - id: [unclosed\n')),
    );
    expect(yamlError.message).toMatch(/line \d+, column \d+/);
  });

  it('aperture policies apply shows the difference and supports --dry-run', async () => {
    const env = { DATABASE_URL: db.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' };
    const target = await file('cli.yaml', base);
    const dry = await runCli(['policies', 'apply', target, '--dry-run'], env);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/~ no-ssn/);
    expect(dry.stdout).toMatch(/Dry run: nothing applied\./);
    const applied = await runCli(['policies', 'apply', target], env);
    expect(applied.stdout).toMatch(/Applied as version 7\./);
  });
});
