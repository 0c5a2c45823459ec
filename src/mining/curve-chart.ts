/**
 * The coverage vs false-approval curve of `aperture mine evaluate` as a text chart for a terminal.
 * The scales (`curveAxes`) are shared with the SVG drawing so both show the same ranges and ticks.
 * No chart library: the ones on npm draw y-over-index lines or tell series apart by colour only,
 * and this is an x/y scatter of a few series that must read on a plain terminal.
 */
import { ApertureError } from '../shared/errors.ts';

/** One point of a curve: a share of denied decisions approved, and a share of decisions decided. */
export interface CurvePoint {
  falseApprovalRate: number;
  coverage: number;
}

/** One curve; `marked` is its operating point (the default threshold), drawn apart. */
export interface CurveSeries {
  name: string;
  /** In drawing order: consecutive points are joined. */
  points: CurvePoint[];
  marked?: CurvePoint | undefined;
}

export interface CurveChartOptions {
  /** The false-approval limit, drawn as a vertical line. Default 0.01. */
  limit?: number;
  /** End of the x range. Default: fits the data, at least twice the limit. Points past it are not drawn. */
  maxFalseApprovalRate?: number;
}

/** One axis from 0 to `max`, with tick values at multiples of `step`. All values are shares (0..1). */
export interface CurveAxis {
  max: number;
  step: number;
  ticks: number[];
}

/** The default false-approval limit: the goal of the offline evaluation. */
export const defaultFalseApprovalLimit = 0.01;

/** How many intervals an axis aims at: few enough labels to fit a terminal line. */
const targetIntervals = 4;

/**
 * The ranges both charts draw: x (false-approval rate) fits the data and is at least twice the
 * limit, unless `maxFalseApprovalRate` fixes it; y (coverage) fits the data, at most 100%.
 */
export function curveAxes(
  series: CurveSeries[],
  options: CurveChartOptions = {},
): { x: CurveAxis; y: CurveAxis; limit: number } {
  const limit = options.limit ?? defaultFalseApprovalLimit;
  if (!(limit > 0 && limit < 1)) {
    throw new ApertureError('INVALID_INPUT', `the false-approval limit must be in (0, 1), got ${limit}`);
  }
  const fixedMax = options.maxFalseApprovalRate;
  if (fixedMax !== undefined && !(fixedMax > 0 && fixedMax <= 1)) {
    throw new ApertureError('INVALID_INPUT', `maxFalseApprovalRate must be in (0, 1], got ${fixedMax}`);
  }
  const points = drawablePoints(series);
  const x =
    fixedMax === undefined
      ? fittedAxis(Math.max(2 * limit, ...points.map((point) => point.falseApprovalRate)))
      : fixedAxis(fixedMax);
  const highestCoverage = Math.max(0, ...points.map((point) => point.coverage));
  const y = highestCoverage > 0 ? fittedAxis(highestCoverage) : fixedAxis(1);
  return { x, y, limit };
}

/** A share as a short percentage for labels: 0.005 -> "0.5%", 0.2313 -> "23.13%". */
export function formatPercent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** Every point and marked point with finite coordinates, clamped into 0..1. */
export function drawablePoints(series: CurveSeries[]): CurvePoint[] {
  return series
    .flatMap((one) => [...one.points, ...(one.marked ? [one.marked] : [])])
    .flatMap((point) => {
      const clamped = clampPoint(point);
      return clamped ? [clamped] : [];
    });
}

/** The point clamped into 0..1 on both axes, or undefined when a coordinate is not a number. */
export function clampPoint(point: CurvePoint): CurvePoint | undefined {
  if (!Number.isFinite(point.falseApprovalRate) || !Number.isFinite(point.coverage)) return undefined;
  return { falseApprovalRate: clampShare(point.falseApprovalRate), coverage: clampShare(point.coverage) };
}

function clampShare(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** An axis ending at the first tick at or past `highest`, capped at 100%. */
function fittedAxis(highest: number): CurveAxis {
  const step = niceStep(highest / targetIntervals);
  const max = Math.min(1, roundShare(Math.ceil(highest / step - 1e-9) * step));
  return { max, step, ticks: ticksUpTo(max, step) };
}

/** An axis ending exactly at `max`, with nice ticks up to it. */
function fixedAxis(max: number): CurveAxis {
  const step = niceStep(max / targetIntervals);
  return { max, step, ticks: ticksUpTo(max, step) };
}

/** The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `rough`. */
function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((s) => s >= rough * (1 - 1e-9));
  return roundShare(step ?? 10 * magnitude);
}

function ticksUpTo(max: number, step: number): number[] {
  const count = Math.floor(max / step + 1e-9);
  return Array.from({ length: count + 1 }, (_, index) => roundShare(index * step));
}

/** Drops floating-point noise (0.30000000000000004 -> 0.3). */
function roundShare(value: number): number {
  return Number(value.toPrecision(12));
}

/** Glyphs of a series' points and of its marked point, by series index (they repeat after six). */
const seriesGlyphs = [
  ['o', 'O'],
  ['x', 'X'],
  ['+', '#'],
  ['s', 'S'],
  ['v', 'V'],
  ['z', 'Z'],
] as const;

const limitGlyph = ':';
const pathGlyph = '.';

/** The glyphs that draw series `index`: `point` for its points, `marked` for its operating point. */
export function seriesGlyph(index: number): { point: string; marked: string } {
  const [point, marked] = seriesGlyphs[index % seriesGlyphs.length]!;
  return { point, marked };
}

/**
 * The curve as a plain-ASCII chart: a title line, the plot (y = coverage, x = false-approval rate,
 * both in %), its x labels, then a legend line per series and one for the limit line.
 * `width` is the characters per plot line with its y labels (default 64), `height` the plot lines
 * with the x labels (default 16). Series drawn later cover earlier ones; marked points cover all.
 * Deterministic; lines carry no trailing spaces.
 */
export function renderCurveChart(
  series: CurveSeries[],
  options: CurveChartOptions & { width?: number; height?: number } = {},
): string {
  const width = options.width ?? 64;
  const height = options.height ?? 16;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 24 || height < 6) {
    throw new ApertureError(
      'INVALID_INPUT',
      `the chart needs a whole width of at least 24 and height of at least 6, got ${width}x${height}`,
    );
  }
  const { x, y, limit } = curveAxes(series, options);
  const yLabels = y.ticks.map(formatPercent);
  const gutter = Math.max(...yLabels.map((label) => label.length)) + 1;
  const grid = new TextGrid(width - gutter, height - 1, x, y);

  grid.drawAxes();
  if (limit <= x.max) grid.drawLimit(limit);
  series.forEach((one) => {
    grid.drawPath(one.points);
  });
  series.forEach((one, index) => {
    grid.drawPoints(one.points, seriesGlyph(index).point);
  });
  series.forEach((one, index) => {
    if (one.marked) grid.drawPoints([one.marked], seriesGlyph(index).marked);
  });

  const plotLines = grid.rows().map((row, rowIndex) => {
    const tick = y.ticks.findIndex((value) => grid.rowOf(value) === rowIndex);
    const label = tick === -1 ? '' : yLabels[tick]!;
    return `${label.padStart(gutter - 1)} ${row}`;
  });
  const lines = [
    'coverage (y) vs false-approval rate (x), in %',
    ...plotLines,
    xLabelLine(x, grid, gutter),
    ...series.map((one, index) => legendLine(one, seriesGlyph(index))),
    `  ${limitGlyph} ${formatPercent(limit)} false-approval limit${limit > x.max ? ' (past the x range)' : ''}`,
  ];
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}

/** The plot area as a character grid; column 0 is the y axis, the last row the x axis. */
class TextGrid {
  private readonly cells: string[][];

  constructor(
    private readonly columns: number,
    private readonly lines: number,
    private readonly x: CurveAxis,
    private readonly y: CurveAxis,
  ) {
    this.cells = Array.from({ length: lines }, () => Array.from({ length: columns }, () => ' '));
  }

  /** The column of a false-approval rate, or undefined past the x range. */
  columnOf(falseApprovalRate: number): number | undefined {
    if (falseApprovalRate > this.x.max * (1 + 1e-9)) return undefined;
    return Math.round((falseApprovalRate / this.x.max) * (this.columns - 1));
  }

  rowOf(coverage: number): number {
    return Math.round((1 - Math.min(coverage, this.y.max) / this.y.max) * (this.lines - 1));
  }

  drawAxes(): void {
    const axisRow = this.lines - 1;
    for (let row = 0; row < axisRow; row++) this.cells[row]![0] = '|';
    this.cells[axisRow]!.fill('-');
    for (const tick of this.y.ticks) this.cells[this.rowOf(tick)]![0] = '+';
    for (const tick of this.x.ticks) {
      const column = this.columnOf(tick);
      if (column !== undefined) this.cells[axisRow]![column] = '+';
    }
  }

  drawLimit(limit: number): void {
    const column = this.columnOf(limit);
    if (column === undefined || column === 0) return;
    for (let row = 0; row < this.lines - 1; row++) this.cells[row]![column] = limitGlyph;
  }

  /** Dots between consecutive points, on blank cells only. */
  drawPath(points: CurvePoint[]): void {
    const cells = points.map((point) => this.cellOf(point));
    for (let index = 1; index < cells.length; index++) {
      const from = cells[index - 1];
      const to = cells[index];
      if (!from || !to) continue;
      const steps = Math.max(Math.abs(to.column - from.column), Math.abs(to.row - from.row));
      for (let step = 1; step < steps; step++) {
        const row = Math.round(from.row + ((to.row - from.row) * step) / steps);
        const column = Math.round(from.column + ((to.column - from.column) * step) / steps);
        if (this.cells[row]![column] === ' ') this.cells[row]![column] = pathGlyph;
      }
    }
  }

  drawPoints(points: CurvePoint[], glyph: string): void {
    for (const point of points) {
      const cell = this.cellOf(point);
      if (cell) this.cells[cell.row]![cell.column] = glyph;
    }
  }

  rows(): string[] {
    return this.cells.map((row) => row.join(''));
  }

  private cellOf(point: CurvePoint): { row: number; column: number } | undefined {
    const clamped = clampPoint(point);
    if (!clamped) return undefined;
    const column = this.columnOf(clamped.falseApprovalRate);
    return column === undefined ? undefined : { row: this.rowOf(clamped.coverage), column };
  }
}

/** Tick labels centred under their ticks; a label that would touch the one before is left out. */
function xLabelLine(x: CurveAxis, grid: TextGrid, gutter: number): string {
  const line: string[] = [];
  let end = -1;
  for (const tick of x.ticks) {
    const column = grid.columnOf(tick);
    if (column === undefined) continue;
    const label = formatPercent(tick);
    const start = Math.max(0, gutter + column - Math.floor(label.length / 2));
    if (start <= end) continue;
    for (let index = line.length; index < start; index++) line.push(' ');
    line.push(...label);
    end = start + label.length;
  }
  return line.join('');
}

function legendLine(series: CurveSeries, glyph: { point: string; marked: string }): string {
  const name = series.name.replace(/\p{Cc}/gu, ' ');
  const empty = series.points.length === 0 ? ' (no points)' : '';
  const marked = series.marked
    ? `, ${glyph.marked} = default threshold: ${formatPercent(series.marked.falseApprovalRate)} false approvals, ${formatPercent(series.marked.coverage)} coverage`
    : '';
  return `  ${glyph.point} ${name}${empty}${marked}`;
}
