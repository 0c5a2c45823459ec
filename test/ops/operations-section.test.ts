import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import type { RunningService } from '../../src/app/start-service.ts';
import { sectionBlocks } from '../readme/readme-blocks.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestService } from '../support/test-service.ts';

/**
 * README "Operations" names only what the service has: every `aperture_*` metric it mentions is
 * served at /metrics, its alert rules are a Prometheus rule file over those metrics, and every
 * /ready check it names is one the service runs.
 */
const section = (() => {
  const text = readFileSync('README.md', 'utf8');
  const start = text.indexOf('\n## Operations\n');
  const end = text.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  return text.slice(start, end);
})();

const rulesSchema = z.object({
  groups: z.array(
    z.object({
      name: z.string(),
      rules: z.array(
        z
          .object({ alert: z.string().regex(/^[A-Z]\w+$/), expr: z.string(), for: z.string().optional() })
          .strict(),
      ),
    }),
  ),
});

let db: TestDatabase;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService(db, { env: { APERTURE_METRICS: 'true' } });
});
afterAll(async () => {
  await service?.stop();
  await db?.dispose();
});

describe('README "Operations"', () => {
  it('names only metrics the service serves', async () => {
    const served = new Set(
      [...(await (await fetch(`${service.url}/metrics`)).text()).matchAll(/^# TYPE (\w+) /gm)].map(
        (match) => match[1]!,
      ),
    );
    // Named in backticks in the text, and in the alert rules.
    const rules = sectionBlocks('Operations').find((block) => block.language === 'yaml')!.code;
    const named = new Set(
      [
        ...[...section.matchAll(/`(aperture_[a-z_]+)`/g)].map((match) => match[1]!),
        ...[...rules.matchAll(/\baperture_[a-z_]+/g)].map((match) => match[0]),
      ].map((name) => name.replace(/_bucket$/, '')),
    );
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((name) => !served.has(name))).toEqual([]);
    // The unprefixed names of the metrics list, too.
    const listed = /Every name starts with `aperture_`:([\s\S]+?)No label holds/.exec(section)![1]!;
    const unprefixed = [...listed.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!);
    expect(unprefixed.length).toBeGreaterThan(10);
    // `other` is the label value of names past the cap, not a metric.
    for (const name of unprefixed.filter((word) => word !== 'other'))
      expect(served, name).toContain(`aperture_${name}`);
  });

  it('holds a Prometheus rule file whose alerts are named and each read an aperture metric', () => {
    const [rules] = sectionBlocks('Operations').filter((block) => block.language === 'yaml');
    const file = rulesSchema.parse(parse(rules!.code));
    const alerts = file.groups.flatMap((group) => group.rules);
    expect(alerts.length).toBeGreaterThan(8);
    for (const rule of alerts) {
      expect(rule.expr, rule.alert).toMatch(/\baperture_[a-z_]+/);
      // Each alert is explained below the rules.
      expect(section, rule.alert).toContain(`**\`${rule.alert}\`**`);
    }
  });

  it('names the /ready checks the service runs', async () => {
    const ready = (await (await fetch(`${service.url}/ready`)).json()) as { checks: Record<string, unknown> };
    for (const check of ['database', 'clock', 'changeFeed', 'jobWorker', 'auditSequencer', 'auditWitnesses'])
      expect(Object.keys(ready.checks), check).toContain(check);
    // The alerts' explanations name the check that fails with them: "**`ApertureX`** (`check`)".
    const paired = [...section.matchAll(/\*\*`Aperture\w+`\*\* \(`(\w+)`\)/g)].map((match) => match[1]!);
    expect(paired.length).toBeGreaterThan(4);
    // slackBacklog runs only with Slack configured.
    for (const check of paired.filter((name) => name !== 'slackBacklog'))
      expect(Object.keys(ready.checks)).toContain(check);
  });
});
