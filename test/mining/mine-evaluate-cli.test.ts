import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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

const resourceColumns = ['--resource-column', 'resource', '--resource-column', 'domain'];

/** The element names of an XML document, checked to open and close in order (no parser in our dependencies). */
function xmlElements(document: string): string[] {
  const open: string[] = [];
  const seen: string[] = [];
  for (const [tag, closing, name, selfClosing] of document.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    if (closing) {
      expect(open.pop(), `${tag} closes what it should`).toBe(name);
    } else {
      seen.push(name!);
      if (!selfClosing) open.push(name!);
    }
  }
  expect(open).toEqual([]);
  return seen;
}

describe('aperture mine evaluate', () => {
  it('prints each split per seed beside the baseline, a summary over the seeds and the chart; --plot writes it as SVG', async () => {
    const plot = path.join(dir, 'curve.svg');
    const result = await evaluate(...resourceColumns, '--resource-column', 'sensitivity', '--plot', plot);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    expect(out).toContain('8,000 decisions; resource side: resource, domain, sensitivity');
    expect(out).toContain(
      'Seeds 1, 2, 3, 4, 5; 30% held out; default thresholds calibrated to at most 1% false approvals.',
    );
    expect(out).toContain('No approver column: the distinct-approver gate is off.');

    const random = out.indexOf('Random split: decisions held out at random');
    const group = out.indexOf('Group split: whole human.department groups held out');
    expect(random).toBeGreaterThanOrEqual(0);
    expect(group).toBeGreaterThan(random);
    expect(out).toContain('  mined on 5,600 decisions, held out 2,400, of them denied ');
    for (const section of [out.slice(random, group), out.slice(group)]) {
      expect(section).toMatch(
        /seed \| how chosen\s+value \| coverage\s+false appr\.\s+rules\s+conds \| threshold/,
      );
      for (const seed of [1, 2, 3, 4, 5]) {
        expect(section).toMatch(
          new RegExp(
            `^\\s+${seed} \\| (calibrated|strictest|too few denials|fixed)\\s+[\\d.]+% (shrunk|wilson) \\|\\s+\\d+\\.\\d% +\\d+ \\(\\d+\\.\\d\\d%\\)\\s+\\d+\\s+\\d\\.\\d \\|`,
            'm',
          ),
        );
      }
      expect(section).toContain('Summary over 5 seeds, mean [min–max]:');
      const figures = String.raw`coverage \d+\.\d% \[\d+\.\d–\d+\.\d%\], false approvals \d+\.\d\d% \[\d+\.\d\d–\d+\.\d\d%\], [0-5] of 5 seeds within 1%`;
      expect(section).toMatch(new RegExp(`^    default   ${figures}$`, 'm'));
      expect(section).toMatch(new RegExp(`^    baseline  ${figures}$`, 'm'));
      expect(section).toMatch(/^ {4}best {6}(coverage|[0-5] of 5 seeds within 1% \(no threshold)/m);
    }

    expect(out).toContain('coverage (y) vs false-approval rate (x), in %');
    expect(out).toMatch(/^ {2}o random split, seed 1, O = default threshold: [\d.]+% false approvals/m);
    expect(out).toMatch(/^ {2}x group split, seed 1, X = default threshold: /m);
    expect(out).toContain('  + baseline (Wilson 0.95), seed 1 of each split');
    expect(out).toContain('  : 1% false-approval limit');
    expect(out.trimEnd().endsWith(`wrote ${plot}`)).toBe(true);

    const svg = await readFile(plot, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const elements = xmlElements(svg);
    expect(elements[0]).toBe('svg');
    const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((match) => match[1]);
    expect(paths).toHaveLength(3);
    for (const d of paths) expect(d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)*$/);
    expect(svg).toContain('<title>decisions.csv: coverage vs false approvals</title>');
    expect(svg).toContain('random split, seed 1');
  });

  it('--json gives the report with its runs per split; --split, --seed and --group-column choose them', async () => {
    const [randomOnly, groupOnly] = await Promise.all([
      evaluate(...resourceColumns, '--split', 'random', '--holdout', '0.2', '--seeds', '4, 9', '--json'),
      evaluate(...resourceColumns, '--split', 'group', '--group-column', 'region', '--seed', '7', '--json'),
    ]);
    expect(randomOnly.exitCode).toBe(0);
    const report = JSON.parse(randomOnly.stdout);
    expect(report).toMatchObject({ decisions: 8_000, holdout: 0.2, seeds: [4, 9], approverGate: false });
    expect(report.attributes).toContainEqual({ column: 'domain', attribute: 'resource.domain' });
    expect(report.attributes).toContainEqual({ column: 'department', attribute: 'human.department' });
    expect(report.splits).toHaveLength(1);
    const [split] = report.splits;
    expect(split).toMatchObject({ split: 'random', groupAttribute: null });
    expect(split.runs.map((run: { seed: number }) => run.seed)).toEqual([4, 9]);
    for (const run of split.runs) {
      expect(run).toMatchObject({ trainDecisions: 6_400, holdoutDecisions: 1_600 });
      expect(['calibrated', 'strictest', 'too-few-denials']).toContain(run.calibration.status);
      expect(run.curve.length).toBeGreaterThan(1);
      expect(run.baseline.threshold).toBe(0.95);
    }
    expect(split.summary.default.coverage.mean).toBeGreaterThan(0);

    expect(groupOnly.exitCode).toBe(0);
    const grouped = JSON.parse(groupOnly.stdout);
    expect(grouped.seeds).toEqual([7]);
    expect(grouped.splits.map((one: { split: string }) => one.split)).toEqual(['group']);
    expect(grouped.splits[0].groupAttribute).toBe('human.region');
  });

  it('--threshold fixes the threshold: no calibration', async () => {
    const result = await evaluate(
      ...resourceColumns,
      '--split',
      'random',
      '--seeds',
      '1',
      '--threshold',
      '0.97',
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('threshold fixed at 97% (--threshold): not calibrated.');
    expect(result.stdout).toMatch(/^\s+1 \| fixed\s+97% wilson \|/m);
  });

  it('a missing column or a bad option exits 1 naming the problem, without a stack trace', async () => {
    const runs = await Promise.all([
      evaluate('--resource-column', 'dataset'),
      evaluate('--resource-column', 'resource', '--holdout', '1.5'),
      evaluate('--resource-column', 'resource', '--split', 'random', '--split', 'sideways'),
      evaluate('--resource-column', 'resource', '--seeds', '1,two'),
      evaluate('--resource-column', 'resource', '--group-column', 'manager'),
      evaluate('--resource-column', 'resource', '--group-column', 'resource'),
    ]);
    for (const result of runs) {
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const [badColumn, badHoldout, badSplit, badSeeds, noGroupColumn, resourceGroup] = runs.map(
      (result) => result!.stderr,
    );
    expect(badColumn).toContain(`error: ${csv}: invalid input`);
    expect(badColumn).toContain('header: no resource column "dataset" (columns: department, title');
    expect(badHoldout).toContain('error: mine evaluate options: invalid input');
    expect(badHoldout).toContain('holdout: must be between 0 and 1');
    expect(badSplit).toContain('split.1: must be random or group');
    expect(badSeeds).toContain('seeds: must be whole numbers separated by commas, e.g. 1,2,3');
    expect(noGroupColumn).toContain(
      'groupColumn: no requester column "manager" in the CSV (requester columns: department, title, region, employment',
    );
    expect(resourceGroup).toContain('groupColumn: "resource" does not describe the requester');
  });
});
