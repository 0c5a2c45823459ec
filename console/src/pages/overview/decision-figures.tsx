import { formatCount, formatPercent } from '../../ui/format.ts';
import { Stats } from '../../ui/stat.tsx';
import { formatDuration } from '../../ui/time.tsx';
import type { StatsTotals } from './stats-totals.ts';

/** The window's headline numbers: how much was asked, how much rules decided, and what expired. */
export function VolumeFigures({ totals }: { totals: StatsTotals }) {
  return (
    <Stats
      label="Requests in this period"
      items={[
        { label: 'Filed', value: formatCount(totals.filed) },
        { label: 'Decided', value: formatCount(totals.decided) },
        {
          label: 'Decided by rules',
          value: formatPercent(totals.automatedShare, 0),
          hint: 'Of the decided requests, the share a rule approved or denied without a person',
        },
        { label: 'Approved', value: formatCount(totals.autoApproved + totals.humanApproved) },
        { label: 'Denied', value: formatCount(totals.autoDenied + totals.humanDenied) },
        {
          label: 'Expired unanswered',
          value: formatCount(totals.expired),
          hint: 'No approver decided before the request expired',
        },
      ]}
    />
  );
}

/** How long people took to decide (rules decide at once and are left out). */
export function TimeToDecisionFigures({
  timeToDecision,
}: {
  timeToDecision: { decided: number; medianSeconds: number | null; p90Seconds: number | null };
}) {
  return (
    <>
      <Stats
        label="Time to a person's decision"
        items={[
          { label: 'Median', value: formatDuration(timeToDecision.medianSeconds) },
          {
            label: '90th percentile',
            value: formatDuration(timeToDecision.p90Seconds),
            hint: 'Nine decisions in ten took at most this long',
          },
          { label: 'Decided by people', value: formatCount(timeToDecision.decided) },
        ]}
      />
      <p className="muted figure-note">
        {timeToDecision.decided === 0
          ? 'Nobody decided a request in this period, so there is no time to show.'
          : `Half of the requests people decided were decided within ${formatDuration(timeToDecision.medianSeconds)}, and nine in ten within ${formatDuration(timeToDecision.p90Seconds)}, counted from when the agent asked.`}
      </p>
    </>
  );
}
