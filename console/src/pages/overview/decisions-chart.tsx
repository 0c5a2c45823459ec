import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatPercent, plural } from '../../ui/format.ts';
import { bucketLabel, type StatsRange, statsRanges } from './stats-range.ts';
import type { StatsBucket, StatsTotals } from './stats-totals.ts';

/** The four outcomes, stacked: approvals in greens, denials in reds, a rule's lighter than a person's. */
const series = [
  { key: 'autoApproved', name: 'Approved by a rule', color: '#7cc79a' },
  { key: 'humanApproved', name: 'Approved by a person', color: '#17663a' },
  { key: 'autoDenied', name: 'Denied by a rule', color: '#ef9a92' },
  { key: 'humanDenied', name: 'Denied by a person', color: '#a3221b' },
] as const;

/** Requests decided per bucket, automatic against human, approved against denied; its numbers in a table. */
export function DecisionsChart({
  range,
  buckets,
  totals,
}: {
  range: StatsRange;
  buckets: readonly StatsBucket[];
  totals: StatsTotals;
}) {
  const period = statsRanges[range].label.toLowerCase();
  const data = buckets.map((bucket) => ({ ...bucket, label: bucketLabel(range, bucket.start) }));
  const summary =
    totals.filed === 0 && totals.decided === 0
      ? `No access request was filed or decided in the ${period}.`
      : `In the ${period}, ${plural(totals.filed, 'request')} filed and ${formatCount(totals.decided)} decided: ` +
        `rules approved ${formatCount(totals.autoApproved)} and denied ${formatCount(totals.autoDenied)}, ` +
        `people approved ${formatCount(totals.humanApproved)} and denied ${formatCount(totals.humanDenied)}` +
        (totals.automatedShare === null
          ? '.'
          : ` (${formatPercent(totals.automatedShare, 0)} decided automatically).`) +
        (totals.expired > 0 ? ` ${plural(totals.expired, 'request')} expired unanswered.` : '');
  return (
    <figure className="chart-figure">
      <div
        className="chart decisions-chart"
        role="img"
        aria-label={`Stacked bar chart of decisions. ${summary}`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 8, left: -16 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke="#e3e7ee" vertical={false} />
            <XAxis dataKey="label" fontSize={12} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} fontSize={12} />
            <Tooltip
              labelFormatter={(_, payload) => {
                const start = payload?.[0]?.payload?.start;
                return typeof start === 'string' ? bucketLabel(range, start, true) : '';
              }}
            />
            {/* In series order, in ink: the lighter fills would be too pale as text. */}
            <Legend itemSorter={null} formatter={(value) => <span className="legend-label">{value}</span>} />
            {series.map((entry) => (
              <Bar
                key={entry.key}
                dataKey={entry.key}
                name={entry.name}
                stackId="decisions"
                fill={entry.color}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">{summary}</figcaption>
      <details>
        <summary>The numbers behind the chart</summary>
        <div className="table-wrap">
          <table className="numbers-table">
            <caption className="visually-hidden">Requests and decisions, {period}</caption>
            <thead>
              <tr>
                <th scope="col">{range === 'days' ? 'Day (UTC)' : 'Hour (UTC)'}</th>
                <th scope="col">Filed</th>
                {series.map((entry) => (
                  <th scope="col" key={entry.key}>
                    {entry.name}
                  </th>
                ))}
                <th scope="col">Expired</th>
                <th scope="col">Withdrawn</th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((bucket) => (
                <tr key={bucket.start}>
                  <th scope="row">{bucketLabel(range, bucket.start, true)}</th>
                  <td>{bucket.filed}</td>
                  {series.map((entry) => (
                    <td key={entry.key}>{bucket[entry.key]}</td>
                  ))}
                  <td>{bucket.expired}</td>
                  <td>{bucket.cancelled}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
