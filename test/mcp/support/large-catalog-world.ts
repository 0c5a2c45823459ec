import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  companyOfSize,
  companyPolicies,
  importCompany,
  personEmail,
  writeCompanyFiles,
} from '../../../bench/company/large-company.ts';
import type { RunningService } from '../../../src/app/start-service.ts';
import { importDbtManifest } from '../../../src/catalog/import/import-dbt-manifest.ts';
import type { PolicyInput } from '../../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../../src/policy/store/policy-store.ts';
import { GovernanceClient } from '../../support/governance-client.ts';
import { exchangeToken } from '../../support/oauth-client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { TestIdentityProvider } from '../../support/test-identity-provider.ts';
import { startTestService } from '../../support/test-service.ts';
import { mcpResource } from './mcp-client.ts';
import { wide, writeWideManifest } from './wide-manifest.ts';

/** The wide project is public and readable by everyone, its masks and row filter as long as policies allow. */
export const widePolicies: PolicyInput[] = [
  {
    id: 'wide-read',
    description:
      'Everyone reads the wide project; some columns masked by a long expression, hub rows filtered',
    effect: 'allow',
    tier: 'READ',
    resources: { domains: ['wide'] },
    masks: [
      {
        columns: { tags: [wide.maskedTag] },
        method: 'expression',
        expression: `left({{column}}, 3) || '${'x'.repeat(1_900)}'`,
      },
    ],
    rowFilters: [
      {
        datasets: [wide.hub],
        predicate: `region = {{human.region}} and note not in (${Array.from({ length: 200 }, (_, index) => `'n${index}'`).join(', ')})`,
      },
    ],
  },
  {
    id: 'glossary-read',
    description: 'Terms are readable',
    effect: 'allow',
    tier: 'READ',
    resources: { kinds: ['glossary'] },
  },
];

export interface LargeCatalogWorld {
  db: TestDatabase;
  idp: TestIdentityProvider;
  /** One service per result budget, on the same database. */
  services: Map<number, RunningService>;
  /** A delegation token of the test agent for `email`, bound to one service's MCP door (or for its GraphQL). */
  agentToken(email: string, service: RunningService, audience: 'mcp' | 'graphql'): Promise<string>;
  close(): Promise<void>;
}

/**
 * The 10,000-dataset bench company (bench/company/large-company.ts: 200,000 columns, 2,000
 * metrics, 500 policies) plus the wide project, served at each of `budgets` (APERTURE_MCP_RESULT_TOKENS).
 */
export async function startLargeCatalogWorld(budgets: number[], models = 10_000): Promise<LargeCatalogWorld> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-mcp-budgets-'));
  const size = companyOfSize(models);
  await importCompany(db.prisma, await writeCompanyFiles(dir, size), size);
  const wideFile = path.join(dir, 'wide-manifest.json');
  await writeWideManifest(wideFile);
  await importDbtManifest(db.prisma, wideFile);
  await applyPolicySet(
    db.prisma,
    validatePolicySet([...companyPolicies(size.policies, 0), ...widePolicies], 'test'),
    {
      source: 'test',
    },
  );
  const idp = await TestIdentityProvider.create();
  const providers = [await idp.serveJwks()];
  const services = new Map<number, RunningService>();
  for (const budget of budgets) {
    services.set(
      budget,
      await startTestService(db, { providers, env: { APERTURE_MCP_RESULT_TOKENS: String(budget) } }),
    );
  }
  const first = services.values().next().value!;
  // person0 is the bench company's governance lead.
  const governance = new GovernanceClient(first.graphqlUrl, await idp.token(personEmail(0)));
  await governance.createIntent({
    name: 'analytics',
    description: 'Questions',
    allowedTiers: ['DISCOVER', 'READ'],
  });
  const agent = await governance.registerAgent({
    name: 'Budget agent',
    ownerEmail: personEmail(0),
    allowedIntents: ['analytics'],
    ceiling: { maxTier: 'READ', maxSensitivity: 'RESTRICTED' },
  });
  return {
    db,
    idp,
    services,
    async agentToken(email, service, audience) {
      const exchanged = await exchangeToken(service.url, agent, {
        subject_token: await idp.subjectToken(email),
        intent: 'analytics',
        ...(audience === 'mcp' ? { resource: mcpResource(service.url) } : {}),
      });
      if (!exchanged.body.access_token) throw new Error(JSON.stringify(exchanged.body));
      return exchanged.body.access_token;
    },
    async close() {
      for (const service of services.values()) await service.stop();
      await idp.close();
      await db.dispose();
    },
  };
}
