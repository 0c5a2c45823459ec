import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDecisions } from '../../bench/generate-decisions.ts';
import { runCli } from '../support/spawn-cli.ts';

/** `aperture mine evaluate` as users run it, on a decision table in CSV (no database involved). */
let csv: string;
let dir: string;
const env = { NODE_ENV: 'test', LOG_LEVEL: 'warn' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aperture-mining-'));
  csv = path.join(dir, 'decisions.csv');
  const lines = ['department,title,region,employment,resource,domain,sensitivity,tier,decision'];
  for (const record of generateDecisions({ decisions: 8_000, seed: 3 })) {
    const { human, resource, request } = record;
    lines.push(
      [
        human.department,
        human.title,
        human.region,
        human.employmentType,
        resource.path,
        resource.domain,
        resource.sensitivity,
        request.tier,
        record.outcome === 'approved' ? 'yes' : 'no',
      ].join(','),
    );
  }
  await writeFile(csv, `${lines.join('\n')}\n`);
});

const evaluate = (...extra: string[]) =>
  runCli(['mine', 'evaluate', '--csv', csv, '--label', 'decision', '--approved', 'yes', ...extra], env);

describe('aperture mine evaluate', () => {
  it('prints coverage, precision beside the base rate, false approvals and the curve; --json the report', async () => {
    const resourceColumns = ['--resource-column', 'resource', '--resource-column', 'domain'];
    const [result, json] = await Promise.all([
      evaluate(...resourceColumns, '--resource-column', 'sensitivity'),
      evaluate(...resourceColumns, '--holdout', '0.2', '--seed', '9', '--json'),
    ]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('8000 decisions; resource side: resource, domain, sensitivity');
    expect(result.stdout).toContain('Mined on 5600, measured on 2400 held out (seed 1).');
    expect(result.stdout).toMatch(
      /At threshold 0\.95: \d+ rules \(\d+ approve, \d+ deny\), [23]\.\d conditions on average/,
    );
    expect(result.stdout).toMatch(/auto-approval precision\s+\d+\.\d%\s+base approval rate \d+\.\d%/);
    expect(result.stdout).toMatch(
      /false-approval rate\s+\d\.\d%\s+\d+ of \d+ denied requests would be approved/,
    );
    expect(result.stdout).toMatch(/^\s+0\.99\s+\d+/m);
    expect(result.stdout).toMatch(/Goal \(>= 10\.0% coverage at <= 1\.0% false approvals\): (MET|NOT MET)/);

    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      decisions: 8_000,
      trainDecisions: 6_400,
      holdoutDecisions: 1_600,
      seed: 9,
    });
    expect(report.attributes).toContainEqual({ column: 'domain', attribute: 'resource.domain' });
    expect(report.attributes).toContainEqual({ column: 'department', attribute: 'human.department' });
    expect(report.curve).toHaveLength(9);
    expect(report.metrics.coverage).toBeGreaterThan(0);
  });

  it('a missing column or a bad option exits 1 naming the problem, without a stack trace', async () => {
    const [badColumn, badOption] = await Promise.all([
      evaluate('--resource-column', 'dataset'),
      evaluate('--resource-column', 'resource', '--holdout', '1.5'),
    ]);
    for (const result of [badColumn, badOption]) {
      expect(result.exitCode).toBe(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(badColumn.stderr).toContain(`error: ${csv}: invalid input`);
    expect(badColumn.stderr).toContain('header: no resource column "dataset" (columns: department, title');
    expect(badOption.stderr).toContain('error: mine evaluate options: invalid input');
    expect(badOption.stderr).toContain('holdout: must be between 0 and 1');
  });
});
