import { useEffect, useRef } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Badge } from '../../ui/badges.tsx';
import { formatCount, formatPercent } from '../../ui/format.ts';
import { Stats } from '../../ui/stat.tsx';
import { QueryState } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { heldOutCheckInWords } from './calibration-words.ts';
import { DecisionExamples } from './decision-examples.tsx';
import { type SuggestionDetail as Detail, suggestionQuery } from './documents.ts';
import { DraftSimulation } from './draft-simulation.tsx';
import { evidenceExamples } from './evidence-examples.ts';
import { ReviewActions } from './review-actions.tsx';

/** One suggestion in full: its conditions, the evidence, examples both ways, review, and a draft to simulate. */
export function SuggestionDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const suggestion = useApiQuery(suggestionQuery, { id });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, []);
  return (
    <section className="panel suggestion-detail" aria-labelledby="suggestion-detail-title">
      <header className="panel-header">
        <h2 id="suggestion-detail-title" ref={heading} tabIndex={-1}>
          Suggestion
        </h2>
        <button type="button" className="button button-quiet" onClick={onClose}>
          Close the suggestion
        </button>
      </header>
      <QueryState query={suggestion} what="the suggestion">
        {(data) =>
          data.ruleSuggestion ? (
            <DetailBody suggestion={data.ruleSuggestion} />
          ) : (
            <p className="empty">This suggestion no longer exists.</p>
          )
        }
      </QueryState>
    </section>
  );
}

function DetailBody({ suggestion }: { suggestion: Detail }) {
  const examples = evidenceExamples(suggestion.evidence);
  const agreeWord = suggestion.action === 'approve' ? 'approved' : 'denied';
  return (
    <div className="stack">
      <div className="row">
        <Badge
          value={suggestion.action.toUpperCase()}
          tone={suggestion.action === 'approve' ? 'good' : 'bad'}
        />
        <Badge value={suggestion.status} />
        <span className="muted">
          found <Time value={suggestion.createdAt} />
        </span>
      </div>
      <p className="suggestion-summary">{suggestion.summary}</p>
      <ul className="conditions">
        {suggestion.conditions.map((condition) => (
          <li key={`${condition.attribute}:${condition.value}`}>
            <code>{condition.attribute}</code> {condition.operator} <code>{condition.value}</code>
          </li>
        ))}
      </ul>
      {suggestion.status !== 'NEW' ? (
        <p className="muted">
          {suggestion.status === 'ACCEPTED'
            ? `Accepted as rule ${suggestion.acceptedRuleId ?? ''}`
            : `${suggestion.status.toLowerCase()}`}
          {suggestion.reviewedByEmail ? ` by ${suggestion.reviewedByEmail}` : ''}
          {suggestion.reviewedAt ? (
            <>
              {' '}
              <Time value={suggestion.reviewedAt} />
            </>
          ) : null}
          {suggestion.rejectReason ? `: “${suggestion.rejectReason}”` : '.'}
        </p>
      ) : null}
      <ReviewActions suggestion={suggestion} />
      <h3>Evidence</h3>
      <Stats
        label="Evidence"
        items={[
          { label: 'Support', value: formatCount(suggestion.support), hint: 'Decisions it matches' },
          { label: 'Approved', value: formatCount(suggestion.approved) },
          { label: 'Denied', value: formatCount(suggestion.denied) },
          { label: `Rate ${agreeWord}`, value: formatPercent(suggestion.rate) },
          {
            label: `Lower bound (${formatPercent(suggestion.confidence, 0)})`,
            value: formatPercent(suggestion.lowerBound),
          },
          {
            label: 'Approvers',
            value: `${suggestion.distinctApprovers} in ${suggestion.distinctTeams} team${suggestion.distinctTeams === 1 ? '' : 's'}`,
          },
          {
            label: 'Confirmed always by the person',
            value: formatCount(suggestion.consentedAlways),
            hint: 'Matched decisions the person had confirmed with “always for this agent” (a standing consent)',
          },
          // An approve suggestion never matches a "not me" request (mining vetoes it): only deny ones say.
          ...(suggestion.action === 'deny'
            ? [
                {
                  label: 'Called “not me”',
                  value: formatCount(suggestion.notMe),
                  hint: 'Requests it matches that the person said they did not make: they support denying',
                },
              ]
            : []),
        ]}
      />
      {suggestion.teams.length > 0 ? <p className="muted">Teams: {suggestion.teams.join(', ')}.</p> : null}
      {suggestion.promise ? (
        <div>
          <h3>What it promises</h3>
          <p>{suggestion.promise.text}</p>
          {suggestion.promise.heldOut ? (
            <p className="muted">{sentence(heldOutCheckInWords(suggestion.promise.heldOut))}</p>
          ) : null}
        </div>
      ) : null}
      <div className="grid">
        <div>
          <h3>Backtest</h3>
          <p>
            Over the mined history
            {suggestion.backtest.from ? (
              <>
                {' '}
                (<Time value={suggestion.backtest.from} /> to <Time value={suggestion.backtest.to} />)
              </>
            ) : null}
            , next to the other suggestions, it would have decided{' '}
            <strong>{formatCount(suggestion.backtest.autoDecided)}</strong>:{' '}
            {formatCount(suggestion.backtest.agreed)} as people did,{' '}
            <span className={suggestion.backtest.overturned > 0 ? 'lost' : undefined}>
              {formatCount(suggestion.backtest.overturned)} the other way
            </span>{' '}
            ({formatPercent(suggestion.backtest.overturnRate)}).
          </p>
        </div>
        <div>
          <h3>Reach beyond the log</h3>
          <p>
            Of the {formatCount(suggestion.reach.pairs)} pairs of requester and object in the log it matches,{' '}
            <strong>{formatCount(suggestion.reach.undecidedPairs)}</strong> were never decided by anyone (
            {formatCount(suggestion.reach.humans)} people, {formatCount(suggestion.reach.resources)} objects):
            it would decide those too.
          </p>
        </div>
        <div>
          <h3>Conflicts</h3>
          {suggestion.conflicts.length === 0 ? (
            <p className="muted">No rule in force of the other action could match the same requests.</p>
          ) : (
            <ul className="plain-list">
              {suggestion.conflicts.map((conflict) => (
                <li key={conflict.ruleId} className={conflict.sharedDecisions > 0 ? 'lost' : undefined}>
                  The {conflict.action} rule <code>{conflict.ruleId}</code> could match the same requests
                  {conflict.sharedDecisions > 0
                    ? `: it matches ${formatCount(conflict.sharedDecisions)} of its decisions.`
                    : ' (none of its decisions so far).'}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {suggestion.previousRejection ? (
        <p className="notice notice-warn">
          Rejected before
          {suggestion.previousRejection.rejectedAt ? (
            <>
              {' '}
              <Time value={suggestion.previousRejection.rejectedAt} />
            </>
          ) : null}{' '}
          with support {suggestion.previousRejection.support} and lower bound{' '}
          {formatPercent(suggestion.previousRejection.lowerBound)}
          {suggestion.previousRejection.reason ? `: “${suggestion.previousRejection.reason}”` : ''}. It is
          back because its evidence changed.
        </p>
      ) : null}
      <div className="grid">
        <DecisionExamples title={`Agreeing (${agreeWord})`} examples={examples.agreeing} />
        <DecisionExamples title="Disagreeing" examples={examples.disagreeing} />
      </div>
      <h3>Simulate a draft rule</h3>
      {suggestion.ruleDraft ? (
        <DraftSimulation draft={suggestion.ruleDraft} />
      ) : (
        <p className="muted">No rule can say these conditions, so there is no draft to simulate.</p>
      )}
    </div>
  );
}

/** "held-out check: …" → "Held-out check: ….". */
const sentence = (words: string) => `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
