import { describe, expect, it } from 'vitest';
import { type CurveSeries, curveAxes, renderCurveChart } from '../../src/mining/curve-chart.ts';
import { curveSvgLayout, renderCurveSvg } from '../../src/mining/curve-svg.ts';
import { ApertureError } from '../../src/shared/errors.ts';

/** A curve shaped like a real evaluation: coverage falls as the threshold (and false approvals) fall. */
const randomSplit: CurveSeries = {
  name: 'rules, random split',
  points: [
    { falseApprovalRate: 0.03, coverage: 0.62 },
    { falseApprovalRate: 0.012, coverage: 0.5 },
    { falseApprovalRate: 0.004, coverage: 0.3 },
    { falseApprovalRate: 0.001, coverage: 0.18 },
  ],
  marked: { falseApprovalRate: 0.004, coverage: 0.3 },
};
const baseline: CurveSeries = {
  name: 'pairwise logistic baseline',
  points: [
    { falseApprovalRate: 0.04, coverage: 0.5 },
    { falseApprovalRate: 0.008, coverage: 0.12 },
  ],
};

/**
 * A chart whose cells are easy to compute: x from 0 to 2% over 41 columns (0.05% a column),
 * y from 0 to 100% over 11 rows (10% a row), y labels 5 wide ("100% ").
 */
const exactSize = { maxFalseApprovalRate: 0.02, width: 46, height: 12 } as const;
const firstPlotLine = 1;
const gutter = 5;

function plotLines(chart: string, height: number): string[] {
  return chart.split('\n').slice(firstPlotLine, firstPlotLine + height - 1);
}

function cell(chart: string, height: number, row: number, column: number): string {
  return plotLines(chart, height)[row]![gutter + column] ?? ' ';
}

describe('the coverage vs false-approval terminal chart', () => {
  const anchored: CurveSeries = {
    name: 'anchored',
    points: [
      { falseApprovalRate: 0, coverage: 1 },
      { falseApprovalRate: 0.015, coverage: 0.5 },
    ],
    marked: { falseApprovalRate: 0.005, coverage: 0.2 },
  };

  it('puts a point at the row of its coverage and the column of its false-approval rate', () => {
    const chart = renderCurveChart([anchored], exactSize);
    expect(cell(chart, 12, 0, 0)).toBe('o');
    expect(cell(chart, 12, 5, 30)).toBe('o');
    expect(cell(chart, 12, 8, 10)).toBe('O');
    expect(plotLines(chart, 12)[0]!.startsWith('100% o')).toBe(true);
    expect(plotLines(chart, 12)[5]!.startsWith(' 50% +')).toBe(true);
  });

  it('joins consecutive points with dots and leaves blank what lies off the path', () => {
    const chart = renderCurveChart([anchored], exactSize);
    // halfway between (row 0, column 0) and (row 5, column 30)
    expect(cell(chart, 12, 3, 18)).toBe('.');
    expect(cell(chart, 12, 1, 30)).toBe(' ');
  });

  it('draws the limit as a vertical line at its column, and only there', () => {
    const chart = renderCurveChart([], exactSize);
    const rows = plotLines(chart, 12);
    for (const row of rows.slice(0, -1)) {
      expect(row.indexOf(':')).toBe(gutter + 20);
      expect(row.lastIndexOf(':')).toBe(gutter + 20);
    }
    const moved = plotLines(renderCurveChart([], { ...exactSize, limit: 0.005 }), 12);
    expect(moved[0]!.indexOf(':')).toBe(gutter + 10);
  });

  it('labels the axes in %', () => {
    const chart = renderCurveChart([anchored], exactSize);
    const lines = chart.split('\n');
    expect(lines[firstPlotLine + 10]).toMatch(/^ {2}0% \+-+/);
    expect(lines[firstPlotLine + 11]).toContain('0%');
    expect(lines[firstPlotLine + 11]).toContain('1%');
    expect(lines[firstPlotLine + 11]).toContain('2%');
  });

  it('gives each series its own glyph and a legend line', () => {
    const chart = renderCurveChart([randomSplit, baseline]);
    const legend = chart.split('\n').filter((line) => /^ {2}\S /.test(line));
    expect(legend).toEqual([
      '  o rules, random split, O = default threshold: 0.4% false approvals, 30% coverage',
      '  x pairwise logistic baseline',
      '  : 1% false-approval limit',
    ]);
    const plot = plotLines(chart, 16).join('\n');
    expect(plot.match(/o/g)).toHaveLength(3);
    expect(plot.match(/O/g)).toHaveLength(1);
    expect(plot.match(/x/g)).toHaveLength(2);
  });

  it('is about 64 by 16 characters by default, without trailing spaces', () => {
    const chart = renderCurveChart([randomSplit, baseline]);
    const plot = plotLines(chart, 16);
    expect(plot).toHaveLength(15);
    expect(Math.max(...plot.map((line) => line.length))).toBeLessThanOrEqual(64);
    expect(chart.split('\n').every((line) => line === line.trimEnd())).toBe(true);
    expect(chart).toBe(renderCurveChart([randomSplit, baseline]));
  });

  it('draws axes and the limit without any series, and says when a series has no points', () => {
    expect(renderCurveChart([])).toContain(': 1% false-approval limit');
    const chart = renderCurveChart([{ name: 'nothing mined', points: [] }]);
    expect(chart).toContain('  o nothing mined (no points)');
    expect(plotLines(chart, 16).join('')).not.toMatch(/[o.]/);
  });

  it('draws a one-point series as one glyph, without a path', () => {
    const chart = renderCurveChart(
      [{ name: 'one', points: [{ falseApprovalRate: 0.005, coverage: 1 }] }],
      exactSize,
    );
    expect(cell(chart, 12, 0, 10)).toBe('o');
    expect(plotLines(chart, 12).join('')).not.toContain('.');
  });

  it('leaves out points past a fixed x range and control characters of names', () => {
    const chart = renderCurveChart(
      [{ name: 'far\u001b[31m', points: [{ falseApprovalRate: 0.5, coverage: 1 }] }],
      exactSize,
    );
    expect(plotLines(chart, 12).join('')).not.toContain('o');
    expect(chart).not.toContain('\u001b');
  });

  it('refuses sizes too small to read and limits outside (0, 1)', () => {
    expect(() => renderCurveChart([], { width: 10 })).toThrow(ApertureError);
    expect(() => renderCurveChart([], { limit: 0 })).toThrow(/limit/);
  });
});

describe('the ranges of the curve charts', () => {
  it('spans at least twice the limit, and 0 to 100% coverage without data', () => {
    const axes = curveAxes([]);
    expect(axes.x).toEqual({ max: 0.02, step: 0.005, ticks: [0, 0.005, 0.01, 0.015, 0.02] });
    expect(axes.y.max).toBe(1);
    expect(axes.limit).toBe(0.01);
  });

  it('fits the data up to the next nice tick', () => {
    const axes = curveAxes([randomSplit, baseline]);
    expect(axes.x.max).toBeCloseTo(0.04, 12);
    expect(axes.y).toEqual({ max: 0.8, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8] });
  });
});

/**
 * Problems that keep `xml` from being a well-formed XML document: unbalanced or crossed tags,
 * a bare `<` or `&`, malformed attributes, text or a second element outside the root.
 */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const badEntity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(xml);
  if (badEntity) problems.push(`bare & at ${badEntity.index}`);
  const token =
    /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|</g;
  const stack: string[] = [];
  let roots = 0;
  let last = 0;
  for (const match of xml.matchAll(token)) {
    const between = xml.slice(last, match.index);
    if (stack.length === 0 && between.trim() !== '') problems.push(`text outside the root: ${between}`);
    last = match.index + match[0].length;
    const [whole, closing, opening, , selfClosing] = match;
    if (whole === '<') problems.push(`bare < at ${match.index}`);
    else if (closing) {
      const open = stack.pop();
      if (open !== closing) problems.push(`</${closing}> closes <${open}>`);
    } else if (opening) {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(opening);
    }
  }
  if (xml.slice(last).trim() !== '') problems.push('text after the root');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

function numberAttribute(element: string, name: string): number {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(element)?.[1];
  if (value === undefined) throw new Error(`no ${name} in ${element}`);
  return Number(value);
}

describe('the coverage vs false-approval SVG', () => {
  it('checks well-formedness for real', () => {
    expect(xmlProblems('<svg><g></svg></g>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>a < b</text></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>a & b</text></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg/><svg/>')).not.toEqual([]);
    expect(xmlProblems('<svg a="1"><g/></svg>\n')).toEqual([]);
  });

  it('is a standalone, well-formed SVG document', () => {
    const svg = renderCurveSvg([randomSplit, baseline], { title: 'Mined rules' });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
    expect(svg).toContain('<title>Mined rules</title>');
    expect(svg).not.toMatch(/<script|@import|@font-face|xlink:href|href=/);
    expect(svg.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('draws one path per series', () => {
    const third: CurveSeries = {
      name: 'rules, group split',
      points: [{ falseApprovalRate: 0.002, coverage: 0.1 }],
    };
    const svg = renderCurveSvg([randomSplit, baseline, third]);
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg.match(/<circle [^>]*r="3.5"/g)).toHaveLength(4 + 2 + 1 + 3); // the points, and a swatch per series in the legend
  });

  it('escapes series names and the title for XML', () => {
    const svg = renderCurveSvg([{ name: 'a<b & "c"', points: [] }], { title: 'x < y & "z"' });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).toContain('<title>x &lt; y &amp; &quot;z&quot;</title>');
    expect(svg).not.toContain('a<b');
    const controls = renderCurveSvg([{ name: 'tab\tbell\u0007lone\ud800', points: [] }]);
    expect(controls).toContain('tab bell lone ');
    expect(controls).not.toContain('\u0007');
    expect(controls).not.toContain('\ud800');
  });

  it('positions points, the marked point and the limit line by the scale', () => {
    const series: CurveSeries = {
      name: 'exact',
      points: [
        { falseApprovalRate: 0, coverage: 1 },
        { falseApprovalRate: 0.01, coverage: 0.5 },
      ],
      marked: { falseApprovalRate: 0.015, coverage: 0.25 },
    };
    const svg = renderCurveSvg([series], { maxFalseApprovalRate: 0.02 });
    const { left, top, plotWidth, plotHeight } = curveSvgLayout;
    const circles = svg.match(/<circle [^>]*>/g)!;
    const plotted = circles
      .slice(0, 3)
      .map((circle) => [numberAttribute(circle, 'cx'), numberAttribute(circle, 'cy')]);
    expect(plotted).toEqual([
      [left, top],
      [left + plotWidth / 2, top + plotHeight / 2],
      [left + (plotWidth * 3) / 4, top + (plotHeight * 3) / 4],
    ]);
    expect(svg).toContain(`<path d="M${left} ${top} L${left + plotWidth / 2} ${top + plotHeight / 2}"`);
    const limit = /<line class="limit"[^>]*>/.exec(svg)![0];
    expect(numberAttribute(limit, 'x1')).toBe(left + plotWidth / 2);
    expect(limit).toContain('stroke-dasharray');
  });

  it('draws the marked point larger, and labels the dashed limit line', () => {
    const svg = renderCurveSvg([randomSplit]);
    const marked = /<circle class="marked"[^>]*>/.exec(svg)![0];
    expect(numberAttribute(marked, 'r')).toBeGreaterThan(3.5);
    expect(svg).toMatch(/>1% false approvals</);
    expect(renderCurveSvg([], { limit: 0.02 })).toMatch(/>2% false approvals</);
  });

  it('stays well-formed without series or points', () => {
    for (const svg of [renderCurveSvg([]), renderCurveSvg([{ name: 'none', points: [] }])]) {
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg).not.toContain('<path');
    }
  });
});
