import { useMemo, useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Loading } from '../../ui/status.tsx';
import { TimeToDecisionFigures, VolumeFigures } from './decision-figures.tsx';
import { DecisionsChart } from './decisions-chart.tsx';
import { OverviewRefusal } from './governance-only.tsx';
import { requestStatsQuery } from './overview-queries.ts';
import { RangeToggle } from './range-toggle.tsx';
import { SecurityEvents } from './security-events.tsx';
import { type StatsRange, statsRanges, statsWindow } from './stats-range.ts';
import { statsTotals } from './stats-totals.ts';

/** Governance: requests and decisions over time (rules against people) and how long people take. */
export function OverviewPage() {
  const [range, setRange] = useState<StatsRange>('days');
  // The window is fixed when the range is chosen, so refetches ask for the same buckets.
  const span = useMemo(() => statsWindow(range, new Date()), [range]);
  const stats = useApiQuery(requestStatsQuery, { ...span, bucket: statsRanges[range].bucket });
  const totals = useMemo(
    () => (stats.data ? statsTotals(stats.data.accessRequestStats.buckets) : null),
    [stats.data],
  );
  return (
    <Page
      title="Overview"
      intro="How agents' access requests are decided: how many rules settle at once, how many wait for a person, and how long people take; and who said an agent asked in their name without them."
      actions={stats.error ? null : <RangeToggle value={range} onChange={setRange} />}
    >
      {stats.error ? (
        <OverviewRefusal error={stats.error} />
      ) : !stats.data || !totals ? (
        <Loading what="the overview" />
      ) : (
        <>
          <SecurityEvents />
          <VolumeFigures totals={totals} />
          <Panel title="Requests and decisions over time">
            <DecisionsChart range={range} buckets={stats.data.accessRequestStats.buckets} totals={totals} />
          </Panel>
          <Panel title="Time to decision">
            <TimeToDecisionFigures timeToDecision={stats.data.accessRequestStats.timeToDecision} />
          </Panel>
        </>
      )}
    </Page>
  );
}
