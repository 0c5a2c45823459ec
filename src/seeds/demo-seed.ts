import { importDbtManifest } from '../catalog/import/import-dbt-manifest.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { applyPeople } from '../people/import/apply-people.ts';
import { parsePeopleFile } from '../people/import/parse-people-file.ts';
import { applyPolicySet, readPolicyFile } from '../policy/store/policy-store.ts';
import { applyRuleSet, readRuleFile } from '../requests/rules/rule-store.ts';
import { projectPath } from '../shared/project-paths.ts';

export const demoManifestPath = projectPath('seeds', 'demo-manifest.json');
export const demoPeoplePath = projectPath('seeds', 'people.json');
export const demoPoliciesPath = projectPath('seeds', 'policies.yaml');
export const demoRulesPath = projectPath('seeds', 'rules.yaml');

/**
 * Loads the demo company through the same importers users run: the people when there are none,
 * the catalog when there is none (each part on its own, so a start interrupted between the two
 * finishes the job next time). Returns whether it loaded anything.
 */
export async function loadDemoCompanyIfEmpty(prisma: PrismaClient): Promise<boolean> {
  const [datasets, people, policyVersions, ruleVersions] = await Promise.all([
    prisma.dataset.count(),
    prisma.person.count(),
    prisma.policySetVersion.count(),
    prisma.ruleSetVersion.count(),
  ]);
  if (people === 0) await applyPeople(prisma, demoPeoplePath, await parsePeopleFile(demoPeoplePath));
  if (datasets === 0) await importDbtManifest(prisma, demoManifestPath);
  if (policyVersions === 0) {
    await applyPolicySet(prisma, await readPolicyFile(demoPoliciesPath), { source: demoPoliciesPath });
  }
  if (ruleVersions === 0) {
    await applyRuleSet(prisma, await readRuleFile(demoRulesPath), { source: demoRulesPath });
  }
  return people === 0 || datasets === 0 || policyVersions === 0 || ruleVersions === 0;
}
