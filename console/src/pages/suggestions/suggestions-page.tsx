import { useMemo, useState } from 'react';
import { useApiMutation, useApiQuery } from '../../api/use-api.ts';
import { plural } from '../../ui/format.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Empty, ErrorNotice, QueryState, Success } from '../../ui/status.tsx';
import { runMiningMutation, type SuggestionStatus, suggestionsQuery } from './documents.ts';
import { notMeDecisionsOf } from './mining-run-stats.ts';
import { SuggestionDetail } from './suggestion-detail.tsx';
import { SuggestionList } from './suggestion-list.tsx';
import { ThresholdChart } from './threshold-chart.tsx';
import { thresholdCurve } from './threshold-curve.ts';
import { VetoedRules } from './vetoed-rules.tsx';

const statusOptions: { value: SuggestionStatus | 'ALL'; label: string }[] = [
  { value: 'NEW', label: 'New (to review)' },
  { value: 'ACCEPTED', label: 'Accepted' },
  { value: 'REJECTED', label: 'Rejected' },
  { value: 'SUPERSEDED', label: 'Superseded' },
  { value: 'ALL', label: 'All' },
];

/** Governance: rules mined from people's decisions, their evidence and curve, to accept, reject or simulate. */
export function SuggestionsPage() {
  const [status, setStatus] = useState<SuggestionStatus | 'ALL'>('NEW');
  const [selected, setSelected] = useState<string | null>(null);
  const suggestions = useApiQuery(suggestionsQuery, { status: status === 'ALL' ? null : [status] });
  const mining = useApiMutation(runMiningMutation);
  // Newest first as aperture lists them, the ones still to review (NEW) ahead of the rest.
  const nodes = useMemo(
    () =>
      (suggestions.data?.ruleSuggestions.edges.map(({ node }) => node) ?? []).sort(
        (a, b) => Number(b.status === 'NEW') - Number(a.status === 'NEW'),
      ),
    [suggestions.data],
  );
  const curve = useMemo(() => thresholdCurve(nodes), [nodes]);
  const mined = mining.data?.runMining;
  const notMeDecisions = notMeDecisionsOf(mined?.stats);

  return (
    <Page
      title="Suggestions"
      intro="Rules mined from how people decided access requests. Each comes with its evidence: how often people decided its way, the lower bound on that rate, who decided, what it would have done, and what it would decide that nobody has yet."
      actions={
        <button
          type="button"
          className="button"
          disabled={mining.isPending}
          onClick={() => mining.mutate({})}
        >
          {mining.isPending ? 'Mining…' : 'Mine the decisions now'}
        </button>
      }
    >
      {mined ? (
        <Success>
          Mined {mined.decisions} decisions of {mined.requests} requests: {mined.suggestions.new} new
          suggestions, {mined.suggestions.refreshed} refreshed, {mined.suggestions.superseded} superseded.
          {mined.calibration ? ` ${mined.calibration.text}` : ''}
          {notMeDecisions > 0
            ? ` Left out of every rate and approver count: ${plural(notMeDecisions, 'decision')} on requests the person called “not me” (no approve rule that matches one is suggested).`
            : ''}
        </Success>
      ) : null}
      {mined ? <VetoedRules rules={mined.vetoed} /> : null}
      {mining.error ? <ErrorNotice error={mining.error} title="Mining failed" /> : null}
      <div className="filters">
        <label className="field">
          <span>Status</span>
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as SuggestionStatus | 'ALL');
              setSelected(null);
            }}
          >
            {statusOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryState query={suggestions} what="suggestions">
        {(data) =>
          nodes.length === 0 ? (
            <Panel title="No suggestions">
              <Empty>
                {status === 'NEW'
                  ? 'Nothing to review. Mining runs on a schedule; "Mine the decisions now" runs it at once.'
                  : 'No suggestion has this status.'}
              </Empty>
            </Panel>
          ) : (
            <>
              <Panel title="Coverage against false decisions">
                <p className="muted">
                  For each lower-bound threshold, what accepting every listed suggestion at or above it would
                  have decided in the mined history, and how many of those decisions people made the other
                  way.
                </p>
                <ThresholdChart points={curve} />
              </Panel>
              <Panel title={`${data.ruleSuggestions.totalCount} suggestions`}>
                <SuggestionList suggestions={nodes} selectedId={selected} onSelect={setSelected} />
              </Panel>
            </>
          )
        }
      </QueryState>
      {selected ? <SuggestionDetail key={selected} id={selected} onClose={() => setSelected(null)} /> : null}
    </Page>
  );
}
