/**
 * A synthetic company for the benches: a dbt manifest of N models (20 columns each by default),
 * metrics, humans in departments and regions, and a policy set mixing DISCOVER grants by domain,
 * READ grants by department (some masking PII, some filtering rows), and PII denies. Deterministic:
 * every run measures the same workload.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import type { PrismaClient } from '../../src/db/open-database.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';

export interface CompanySize {
  models: number;
  columnsPerModel: number;
  metrics: number;
  humans: number;
  policies: number;
}

/** The 10k-dataset company of the slice bench; `scaled(n)` keeps the same proportions. */
export function companyOfSize(models: number): CompanySize {
  return {
    models,
    columnsPerModel: 20,
    metrics: models / 5,
    humans: Math.max(1_000, models / 10),
    policies: Math.max(500, models / 20),
  };
}

export const departments = ['sales', 'finance', 'hr', 'marketing', 'support', 'engineering'];
export const domains = ['sales', 'finance', 'hr', 'marketing', 'support'];
const sensitivities = ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'] as const;

/** A deterministic pseudo-random sequence. */
export function seededRandom(start = 42): () => number {
  let seed = start;
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** The policy set; `variant` changes descriptions only, so applying it is a new version deciding alike. */
export function companyPolicies(count: number, variant: number): PolicyInput[] {
  const random = seededRandom(7);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  return Array.from({ length: count }, (_, index): PolicyInput => {
    const department = pick(departments);
    const domain = pick(domains);
    const kind = index % 10;
    if (kind === 0) {
      return {
        id: `deny-${index}`,
        description: 'deny',
        effect: 'deny',
        tier: 'READ',
        resources: { kinds: ['column'], tags: ['pii'] },
        subjects: { conditions: [{ attribute: 'department', op: 'notIn', values: [department] }] },
      };
    }
    if (kind < 4) {
      return {
        id: `discover-${index}`,
        description: `discover ${variant}`,
        effect: 'allow',
        tier: 'DISCOVER',
        resources: { domains: [domain], sensitivities: [pick(sensitivities)] },
      };
    }
    return {
      id: `read-${index}`,
      description: 'read',
      effect: 'allow',
      tier: 'READ',
      subjects: { conditions: [{ attribute: 'department', op: 'equals', value: department }] },
      resources: { domains: [domain], sensitivities: ['PUBLIC', 'INTERNAL', pick(sensitivities)] },
      masks: kind === 5 ? [{ columns: { tags: ['pii'] }, method: 'hash' }] : [],
      rowFilters: kind === 6 ? [{ predicate: 'region = {{human.region}}' }] : [],
    };
  });
}

export const personEmail = (index: number) => `person${index}@bench.example`;

/** Writes the manifest (in a child process, so the caller's memory stays its own) and the people file. */
export async function writeCompanyFiles(
  dir: string,
  size: CompanySize,
): Promise<{ manifest: string; people: string }> {
  const manifest = path.join(dir, 'manifest.json');
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./generate-large-manifest.ts', import.meta.url)),
      manifest,
      String(size.models),
      String(size.columnsPerModel),
      String(size.metrics),
    ],
    { stdio: 'inherit' },
  );
  const random = seededRandom(11);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const people = path.join(dir, 'people.json');
  await writeFile(
    people,
    JSON.stringify(
      Array.from({ length: size.humans }, (_, index) => ({
        email: personEmail(index),
        name: `Person ${index}`,
        department: pick(departments),
        region: pick(['emea', 'amer', 'apac']),
        // person0 governs the policies (a bench applies a policy change as that person).
        groups: [pick(['analysts', 'engineering', 'finance']), ...(index === 0 ? ['governance'] : [])],
      })),
    ),
  );
  return { manifest, people };
}

/** Imports the company into a migrated database: people, the manifest, the policies. */
export async function importCompany(
  prisma: PrismaClient,
  files: { manifest: string; people: string },
  size: CompanySize,
): Promise<void> {
  await applyPeople(prisma, files.people, await parsePeopleFile(files.people));
  await importDbtManifest(prisma, files.manifest);
  await applyPolicySet(prisma, validatePolicySet(companyPolicies(size.policies, 0), 'bench'), {
    source: 'bench',
  });
}
