import { Badge } from '../../ui/badges.tsx';
import { formatCount, formatPercent, plural } from '../../ui/format.ts';
import { calibrationBadge } from './calibration-words.ts';
import type { SuggestionSummary } from './documents.ts';

/** The suggestions with the evidence to compare them at a glance; "Review" opens one. */
export function SuggestionList({
  suggestions,
  selectedId,
  onSelect,
}: {
  suggestions: readonly SuggestionSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table-cards suggestions-table">
        <thead>
          <tr>
            <th scope="col">Suggestion</th>
            <th scope="col">Support</th>
            <th scope="col">Rate</th>
            <th scope="col">Lower bound</th>
            <th scope="col">Approvers</th>
            <th scope="col">Backtest</th>
            <th scope="col">Reach beyond the log</th>
            <th scope="col">Conflicts</th>
            <th scope="col">
              <span className="muted">Review</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {suggestions.map((suggestion) => (
            <tr key={suggestion.id} className={suggestion.id === selectedId ? 'selected-row' : undefined}>
              <th scope="row" data-label="Suggestion" className="cell-summary">
                <div className="row">
                  <Badge
                    value={suggestion.action.toUpperCase()}
                    tone={suggestion.action === 'approve' ? 'good' : 'bad'}
                  />
                  {suggestion.status === 'NEW' ? null : <Badge value={suggestion.status} />}
                  {suggestion.promise ? <CalibrationBadge status={suggestion.promise.calibration} /> : null}
                </div>
                <div>{suggestion.summary}</div>
              </th>
              <td data-label="Support" className="numeric">
                {formatCount(suggestion.support)}
                <div className="cell-note muted">
                  {suggestion.approved} approved, {suggestion.denied} denied
                </div>
              </td>
              <td data-label="Rate" className="numeric">
                {formatPercent(suggestion.rate)}
              </td>
              <td data-label="Lower bound" className="numeric">
                <strong>{formatPercent(suggestion.lowerBound)}</strong>
                <div className="cell-note muted">at {formatPercent(suggestion.confidence, 0)}</div>
              </td>
              <td data-label="Approvers">
                {suggestion.distinctApprovers} in {suggestion.distinctTeams} team
                {suggestion.distinctTeams === 1 ? '' : 's'}
                {suggestion.teams.length > 0 ? (
                  <div className="cell-note muted">{suggestion.teams.join(', ')}</div>
                ) : null}
              </td>
              <td data-label="Backtest">
                {formatCount(suggestion.backtest.autoDecided)} decided
                <div className={suggestion.backtest.overturned > 0 ? 'cell-note lost' : 'cell-note muted'}>
                  {suggestion.backtest.overturned} wrong ({formatPercent(suggestion.backtest.overturnRate)})
                </div>
              </td>
              <td data-label="Reach">
                {formatCount(suggestion.reach.undecidedPairs)} undecided pairs
                <div className="cell-note muted">
                  {plural(suggestion.reach.humans, 'person', 'people')} ×{' '}
                  {plural(suggestion.reach.resources, 'object')}
                </div>
              </td>
              <td data-label="Conflicts">
                <Conflicts conflicts={suggestion.conflicts} />
              </td>
              <td data-label="Review">
                <button
                  type="button"
                  className={
                    suggestion.id === selectedId
                      ? 'button button-primary button-small'
                      : 'button button-small'
                  }
                  aria-label={`Review: ${suggestion.summary}`}
                  aria-pressed={suggestion.id === selectedId}
                  onClick={() => onSelect(suggestion.id)}
                >
                  Review
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Rules in force of the other action that could match: the ones sharing decisions first and in red. */
function Conflicts({ conflicts }: { conflicts: SuggestionSummary['conflicts'] }) {
  if (conflicts.length === 0) return <span className="muted">none</span>;
  const shared = conflicts.filter((conflict) => conflict.sharedDecisions > 0);
  const quiet = conflicts.filter((conflict) => conflict.sharedDecisions === 0);
  return (
    <>
      {shared.map((conflict) => (
        <div key={conflict.ruleId} className="lost">
          {conflict.action} rule <code className="break">{conflict.ruleId}</code>: {conflict.sharedDecisions}{' '}
          shared
        </div>
      ))}
      {quiet.length > 0 ? (
        <div className="cell-note muted">
          {quiet.length} could overlap, none shared:{' '}
          {quiet.map((conflict, index) => (
            <span key={conflict.ruleId}>
              {index > 0 ? ', ' : ''}
              <code className="break">{conflict.ruleId}</code>
            </span>
          ))}
        </div>
      ) : null}
    </>
  );
}

/** How the threshold it cleared was chosen: only a calibrated one promises few false approvals. */
function CalibrationBadge({ status }: { status: string }) {
  const { label, tone } = calibrationBadge(status);
  return <Badge value={label} tone={tone} />;
}
