import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../../ui/format.ts';
import type { CurvePoint } from './threshold-curve.ts';

/**
 * The curve as a chart, with its numbers in a table under it (for screen readers and exact values).
 * Two axes: what would be decided is usually tens of times what would be decided wrong.
 */
export function ThresholdChart({ points }: { points: readonly CurvePoint[] }) {
  const first = points[0];
  const last = points[points.length - 1];
  const summary =
    first && last
      ? `From a lower bound of ${first.threshold} to ${last.threshold}, the suggestions would decide ${formatCount(first.autoDecided)} down to ${formatCount(last.autoDecided)} decisions, getting ${formatCount(first.wrong)} down to ${formatCount(last.wrong)} wrong.`
      : 'No suggestion to chart.';
  return (
    <figure className="chart-figure">
      <div className="chart" role="img" aria-label={`Chart: coverage against wrong decisions. ${summary}`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={[...points]} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid stroke="#e3e7ee" />
            <XAxis dataKey="threshold" tickFormatter={(value: number) => value.toFixed(2)} fontSize={12} />
            <YAxis yAxisId="decided" allowDecimals={false} fontSize={12} stroke="#2450b2" />
            <YAxis yAxisId="wrong" orientation="right" allowDecimals={false} fontSize={12} stroke="#a3221b" />
            <Tooltip labelFormatter={(value) => `Lower bound ≥ ${Number(value).toFixed(2)}`} />
            <Legend />
            <Line
              yAxisId="decided"
              type="linear"
              dataKey="autoDecided"
              name="Decided automatically"
              stroke="#2450b2"
              strokeWidth={2}
              isAnimationActive={false}
            />
            <Line
              yAxisId="wrong"
              type="linear"
              dataKey="falseApprovals"
              name="False approvals"
              stroke="#a3221b"
              strokeWidth={2}
              strokeDasharray="5 3"
              isAnimationActive={false}
            />
            <Line
              yAxisId="wrong"
              type="linear"
              dataKey="falseDenials"
              name="False denials"
              stroke="#7a4b00"
              strokeWidth={2}
              strokeDasharray="2 3"
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">{summary}</figcaption>
      <details>
        <summary>The numbers behind the chart</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Lower bound at least</th>
                <th scope="col">Suggestions</th>
                <th scope="col">Decided automatically</th>
                <th scope="col">False approvals</th>
                <th scope="col">False denials</th>
              </tr>
            </thead>
            <tbody>
              {points.map((point) => (
                <tr key={point.threshold}>
                  <th scope="row">{point.threshold.toFixed(2)}</th>
                  <td>{point.suggestions}</td>
                  <td>{formatCount(point.autoDecided)}</td>
                  <td>{formatCount(point.falseApprovals)}</td>
                  <td>{formatCount(point.falseDenials)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
