import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { demoManifestPath } from '../../src/seeds/demo-seed.ts';
import { type AgentSpec, useSliceWorld } from './support/slice-world.ts';

/**
 * A glossary term and a metric may share a name: the demo's `arr` metric (hidden from Ana, a
 * marketing contractor) gets a glossary term called `arr` beside it. Where a door takes "a path or a
 * name", the hidden metric must answer exactly as if it did not exist, and Ana's questions reach the
 * term she may see; asking about the metric's name must never tell her there is something there.
 */
const ana = 'ana.ribeiro@acme.example';
const sharedName = 'arr';
const world = useSliceWorld();
let folder: string;
let anaToken: string;

const leakHunter: AgentSpec = {
  name: 'Same-name prober',
  ceiling: { maxTier: 'READ', maxSensitivity: 'RESTRICTED' },
  intent: { name: 'same-name-probe', allowedTiers: ['DISCOVER', 'READ'] },
};

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'aperture-slice-same-name-'));
  const manifest = JSON.parse(await readFile(demoManifestPath, 'utf8')) as {
    docs: Record<string, Record<string, unknown>>;
  };
  const id = 'doc.acme_analytics.glossary__arr_word';
  manifest.docs[id] = {
    name: 'glossary__arr_word',
    resource_type: 'doc',
    package_name: 'acme_analytics',
    path: 'docs/glossary.md',
    original_file_path: 'models/docs/glossary.md',
    unique_id: id,
    block_contents: `# ${sharedName}\n\nWhat the sales floor calls the yearly value of a subscription.`,
  };
  const file = path.join(folder, 'manifest.json');
  await writeFile(file, JSON.stringify(manifest));
  await importDbtManifest(world.db.prisma, file);
  anaToken = await world.token(ana);
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('a hidden metric named like a glossary term', () => {
  it('is hidden from Ana while the term is not (the scene)', async () => {
    const oracle = await world.oracle(ana);
    expect(oracle.catalog.byPath.get(sharedName)?.kind).toBe('metric');
    expect(oracle.catalog.byPath.get(`glossary:${sharedName}`)?.kind).toBe('glossary');
    const seen = await world.gql(
      anaToken,
      `{ metric(name: "${sharedName}") { name } glossaryTerm(name: "${sharedName}") { name } }`,
    );
    expect(seen.data).toEqual({ metric: null, glossaryTerm: { name: sharedName } });
  });

  it('explainAccess by the name explains the term, exactly as it does by the term path', async () => {
    const query =
      'query ($path: String!) { explainAccess(path: $path) { kind tier allowedBy deniedBy cappedBy } }';
    const byName = await world.gql(anaToken, query, { path: sharedName });
    const byTermPath = await world.gql(anaToken, query, { path: `glossary:${sharedName}` });
    expect(byName.errors).toBeUndefined();
    expect(byName.data).toEqual(byTermPath.data);
    expect(byName.data).toMatchObject({ explainAccess: { kind: 'glossary' } });
  });

  it("a request for the name is about the term, as if the metric did not exist, never the metric's NOT_FOUND", async () => {
    const token = await world.agentToken(ana, leakHunter);
    const mutation = `mutation ($paths: [String!]!) {
      requestAccess(input: { paths: $paths, tier: READ, duration: "PT1H", justification: "yearly value report" }) { request { id status paths } }
    }`;
    const byName = await world.gql(token, mutation, { paths: [sharedName] });
    expect(byName.errors).toBeUndefined();
    expect(byName.data).toMatchObject({
      requestAccess: {
        request: {
          status: 'PENDING',
          paths: [`glossary:${sharedName}`],
        },
      },
    });
    // The same request, filed again by the term's own path: the one already pending.
    const byTermPath = await world.gql(token, mutation, { paths: [`glossary:${sharedName}`] });
    expect(byTermPath.data).toEqual(byName.data);
  });
});
