/** What the curve needs of a suggestion: its bound, its action and its backtest. */
export interface CurveSuggestion {
  lowerBound: number;
  action: string;
  backtest: { autoDecided: number; overturned: number };
}

/** At one threshold: what the suggestions at or above it would decide, and how many of those people decided otherwise. */
export interface CurvePoint {
  threshold: number;
  suggestions: number;
  autoDecided: number;
  /** Decided the other way from people (false approvals plus false denials). */
  wrong: number;
  /** Approvals people had denied. */
  falseApprovals: number;
  /** Denials people had approved. */
  falseDenials: number;
}

/** 0.50, 0.55, ... 0.95, then 0.97 and 0.99 (where the default threshold and stricter ones sit). */
export const defaultThresholds: readonly number[] = [
  0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99,
];

/**
 * Coverage against false decisions over lower-bound thresholds: for each threshold, the decisions
 * of the mined history the suggestions whose lower bound reaches it would have decided, and the
 * ones they would have got wrong. Each suggestion's backtest is already counted next to the others
 * (deny wins), so the sums are what accepting them together would have done.
 */
export function thresholdCurve(
  suggestions: readonly CurveSuggestion[],
  thresholds: readonly number[] = defaultThresholds,
): CurvePoint[] {
  return thresholds.map((threshold) => {
    const point: CurvePoint = {
      threshold,
      suggestions: 0,
      autoDecided: 0,
      wrong: 0,
      falseApprovals: 0,
      falseDenials: 0,
    };
    for (const suggestion of suggestions) {
      if (suggestion.lowerBound < threshold) continue;
      point.suggestions += 1;
      point.autoDecided += suggestion.backtest.autoDecided;
      point.wrong += suggestion.backtest.overturned;
      if (suggestion.action === 'approve') point.falseApprovals += suggestion.backtest.overturned;
      else point.falseDenials += suggestion.backtest.overturned;
    }
    return point;
  });
}
