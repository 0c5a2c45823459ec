import path from 'node:path';
import { importDbtManifest } from '../catalog/import/import-dbt-manifest.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { applyPeople } from '../people/import/apply-people.ts';
import { parsePeopleFile } from '../people/import/parse-people-file.ts';
import { applyPolicySet, readPolicyFile } from '../policy/store/policy-store.ts';
import { applyRuleSet, readRuleFile } from '../requests/rules/rule-store.ts';
import { projectPath } from '../shared/project-paths.ts';

/** The folder of the demo company's files. */
export const demoSeedsDir = projectPath('seeds');

export const demoManifestPath = path.join(demoSeedsDir, 'demo-manifest.json');
export const demoPeoplePath = path.join(demoSeedsDir, 'people.json');
export const demoPoliciesPath = path.join(demoSeedsDir, 'policies.yaml');
export const demoRulesPath = path.join(demoSeedsDir, 'rules.yaml');

/**
 * Loads the demo company through the same importers users run: the people when there are none,
 * the catalog when there is none (each part on its own, so a start interrupted between the two
 * finishes the job next time). Returns whether it loaded anything. `seedsDir`: another set of the
 * same four files.
 */
export async function loadDemoCompanyIfEmpty(
  prisma: PrismaClient,
  seedsDir = demoSeedsDir,
): Promise<boolean> {
  const [datasets, people, policyVersions, ruleVersions] = await Promise.all([
    prisma.dataset.count(),
    prisma.person.count(),
    prisma.policySetVersion.count(),
    prisma.ruleSetVersion.count(),
  ]);
  const peopleFile = path.join(seedsDir, 'people.json');
  const policies = path.join(seedsDir, 'policies.yaml');
  const rules = path.join(seedsDir, 'rules.yaml');
  if (people === 0) await applyPeople(prisma, peopleFile, await parsePeopleFile(peopleFile));
  if (datasets === 0) await importDbtManifest(prisma, path.join(seedsDir, 'demo-manifest.json'));
  if (policyVersions === 0) {
    await applyPolicySet(prisma, await readPolicyFile(policies), { source: policies });
  }
  if (ruleVersions === 0) {
    await applyRuleSet(prisma, await readRuleFile(rules), { source: rules });
  }
  return people === 0 || datasets === 0 || policyVersions === 0 || ruleVersions === 0;
}
