/**
 * The coverage vs false-approval curve as a standalone SVG file (`aperture mine evaluate --plot`):
 * no scripts, no external fonts or styles, so it opens anywhere and can be attached to a review.
 */
import {
  type CurveAxis,
  type CurveChartOptions,
  type CurvePoint,
  type CurveSeries,
  clampPoint,
  curveAxes,
  formatPercent,
} from './curve-chart.ts';

/** Where the plot area sits in the SVG, in user units; the legend grows the picture downwards. */
export const curveSvgLayout = {
  width: 720,
  left: 80,
  top: 56,
  plotWidth: 600,
  plotHeight: 320,
  legendLineHeight: 22,
} as const;

/** Okabe-Ito colours: told apart with the common kinds of colour blindness; repeat after seven. */
const seriesColors = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
const limitColor = '#B40000';

/** The colour series `index` is drawn in. */
export function seriesColor(index: number): string {
  return seriesColors[index % seriesColors.length]!;
}

/**
 * The curve as an SVG document: x = false-approval rate, y = coverage (ticks in %), one line with
 * dots per series, its marked point drawn larger, the limit as a dashed labelled line, and a
 * legend below. Uses the same ranges as the terminal chart (`curveAxes`). Deterministic.
 */
export function renderCurveSvg(
  series: CurveSeries[],
  options: CurveChartOptions & { title?: string } = {},
): string {
  const { x, y, limit } = curveAxes(series, options);
  const layout = curveSvgLayout;
  const scale = plotScale(x, y);
  const plotBottom = layout.top + layout.plotHeight;
  const legendTop = plotBottom + 68;
  const legendLines = series.length + 2;
  const height = legendTop + legendLines * layout.legendLineHeight + 8;
  const title = options.title ?? 'Coverage vs false approvals';

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${height}" viewBox="0 0 ${layout.width} ${height}" font-family="sans-serif" font-size="12" fill="#222">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${layout.width}" height="${height}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot-area"><rect x="${layout.left - 8}" y="${layout.top - 8}" width="${layout.plotWidth + 16}" height="${layout.plotHeight + 16}"/></clipPath></defs>`,
    `<text x="${layout.width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...axisElements(x, y, scale),
    ...limitElements(limit, x, scale),
    ...series.flatMap((one, index) => seriesElements(one, seriesColor(index), scale)),
    ...legendElements(series, limit, legendTop),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

/**
 * Escapes text for XML content and attribute values. Control characters, lone surrogates and
 * the noncharacters U+FFFE/U+FFFF, which XML cannot carry even escaped, become spaces.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cs}\ufffe\uffff]/gu, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface PlotScale {
  /** SVG x of a false-approval rate. */
  x(falseApprovalRate: number): number;
  /** SVG y of a coverage. */
  y(coverage: number): number;
}

function plotScale(x: CurveAxis, y: CurveAxis): PlotScale {
  const layout = curveSvgLayout;
  return {
    x: (rate) => round(layout.left + (rate / x.max) * layout.plotWidth),
    y: (coverage) => round(layout.top + (1 - coverage / y.max) * layout.plotHeight),
  };
}

/** Two decimals: enough for a picture, and the output stays short and stable. */
function round(value: number): number {
  return Number(value.toFixed(2));
}

function axisElements(x: CurveAxis, y: CurveAxis, scale: PlotScale): string[] {
  const layout = curveSvgLayout;
  const left = layout.left;
  const right = layout.left + layout.plotWidth;
  const top = layout.top;
  const bottom = layout.top + layout.plotHeight;
  const grid = '#e4e4e4';
  const xTicks = x.ticks.flatMap((tick) => {
    const at = scale.x(tick);
    return [
      `<line x1="${at}" y1="${top}" x2="${at}" y2="${bottom}" stroke="${grid}"/>`,
      `<line x1="${at}" y1="${bottom}" x2="${at}" y2="${bottom + 5}" stroke="#444"/>`,
      `<text x="${at}" y="${bottom + 20}" text-anchor="middle">${formatPercent(tick)}</text>`,
    ];
  });
  const yTicks = y.ticks.flatMap((tick) => {
    const at = scale.y(tick);
    return [
      `<line x1="${left}" y1="${at}" x2="${right}" y2="${at}" stroke="${grid}"/>`,
      `<line x1="${left - 5}" y1="${at}" x2="${left}" y2="${at}" stroke="#444"/>`,
      `<text x="${left - 9}" y="${at + 4}" text-anchor="end">${formatPercent(tick)}</text>`,
    ];
  });
  const middleY = top + layout.plotHeight / 2;
  return [
    ...xTicks,
    ...yTicks,
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#444"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#444"/>`,
    `<text x="${left + layout.plotWidth / 2}" y="${bottom + 42}" text-anchor="middle">false-approval rate: share of denied decisions the rules approve</text>`,
    `<text x="22" y="${middleY}" text-anchor="middle" transform="rotate(-90 22 ${middleY})">coverage: share of decisions the rules decide</text>`,
  ];
}

function limitElements(limit: number, x: CurveAxis, scale: PlotScale): string[] {
  if (limit > x.max) return [];
  const layout = curveSvgLayout;
  const at = scale.x(limit);
  return [
    `<line class="limit" x1="${at}" y1="${layout.top}" x2="${at}" y2="${layout.top + layout.plotHeight}" stroke="${limitColor}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${at + 5}" y="${layout.top + 14}" fill="${limitColor}">${escapeXml(limitLabel(limit))}</text>`,
  ];
}

function limitLabel(limit: number): string {
  return `${formatPercent(limit)} false approvals`;
}

/** One path through the points (clipped to the plot, past the x range it leaves the picture), dots, the marked point. */
function seriesElements(series: CurveSeries, color: string, scale: PlotScale): string[] {
  const points = series.points.flatMap((point) => {
    const clamped = clampPoint(point);
    return clamped ? [clamped] : [];
  });
  if (points.length === 0 && !series.marked) return [];
  const at = (point: CurvePoint) => `${scale.x(point.falseApprovalRate)} ${scale.y(point.coverage)}`;
  const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${at(point)}`).join(' ');
  const marked = series.marked ? clampPoint(series.marked) : undefined;
  return [
    `<g class="series" clip-path="url(#plot-area)">`,
    ...(points.length > 0
      ? [
          `<path d="${path}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`,
        ]
      : []),
    ...points.map(
      (point) =>
        `<circle cx="${scale.x(point.falseApprovalRate)}" cy="${scale.y(point.coverage)}" r="3.5" fill="${color}"/>`,
    ),
    ...(marked
      ? [
          `<circle class="marked" cx="${scale.x(marked.falseApprovalRate)}" cy="${scale.y(marked.coverage)}" r="7" fill="${color}" stroke="#ffffff" stroke-width="2"/>`,
        ]
      : []),
    '</g>',
  ];
}

function legendElements(series: CurveSeries[], limit: number, top: number): string[] {
  const layout = curveSvgLayout;
  const swatchLeft = layout.left;
  const textLeft = layout.left + 40;
  const lineY = (index: number) => top + index * layout.legendLineHeight;
  const seriesLines = series.flatMap((one, index) => {
    const color = seriesColor(index);
    const y = lineY(index);
    const marked = one.marked
      ? ` (default threshold: ${formatPercent(one.marked.falseApprovalRate)} false approvals, ${formatPercent(one.marked.coverage)} coverage)`
      : '';
    const empty = one.points.length === 0 ? ' (no points)' : '';
    return [
      `<line x1="${swatchLeft}" y1="${y}" x2="${swatchLeft + 28}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
      `<circle cx="${swatchLeft + 14}" cy="${y}" r="3.5" fill="${color}"/>`,
      `<text x="${textLeft}" y="${y + 4}">${escapeXml(`${one.name}${empty}${marked}`)}</text>`,
    ];
  });
  const markedY = lineY(series.length);
  const limitY = lineY(series.length + 1);
  return [
    ...seriesLines,
    `<circle cx="${swatchLeft + 14}" cy="${markedY}" r="7" fill="#777777" stroke="#ffffff" stroke-width="2"/>`,
    `<text x="${textLeft}" y="${markedY + 4}">larger dot: the default operating point of a series</text>`,
    `<line x1="${swatchLeft}" y1="${limitY}" x2="${swatchLeft + 28}" y2="${limitY}" stroke="${limitColor}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${textLeft}" y="${limitY + 4}">${escapeXml(`${limitLabel(limit)} (the limit)`)}</text>`,
  ];
}
