import { type StatsRange, statsRanges } from './stats-range.ts';

/** Two pressed-or-not buttons: the last 30 days per day, or the last 48 hours per hour. */
export function RangeToggle({
  value,
  onChange,
}: {
  value: StatsRange;
  onChange: (range: StatsRange) => void;
}) {
  return (
    <fieldset className="range-fieldset">
      <legend className="visually-hidden">Time range</legend>
      <div className="range-toggle">
        {(Object.keys(statsRanges) as StatsRange[]).map((range) => (
          <button
            key={range}
            type="button"
            className="range-option"
            aria-pressed={range === value}
            onClick={() => onChange(range)}
          >
            {statsRanges[range].label}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
