import { formatCount, formatPercent, plural } from '../../ui/format.ts';
import { Panel } from '../../ui/page.tsx';
import type { VetoedRule } from './documents.ts';
import { conditionsInWords } from './mining-run-stats.ts';

/**
 * The approve rules a run did not suggest because they would approve requests the person called
 * "not me": shown so that a reviewer who expected one of them sees why it is missing.
 */
export function VetoedRules({ rules }: { rules: readonly VetoedRule[] }) {
  if (rules.length === 0) return null;
  return (
    <Panel title="Not suggested: would approve requests someone called “not me”">
      <p className="muted">
        The decisions support these approve rules, but each matches a request the person it was made for said
        they did not make. Mining never suggests an approve rule that would approve one of those; a narrower
        rule that leaves them out may be among the suggestions.
      </p>
      <div className="table-wrap">
        <table className="table-cards">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Support</th>
              <th scope="col">“Not me”</th>
              <th scope="col">Example requests</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id}>
                <th scope="row" data-label="Rule">
                  approve when <code>{conditionsInWords(rule.conditions)}</code>
                </th>
                <td data-label="Support">
                  {plural(rule.support, 'decision')}, {formatCount(rule.approved)} approved (lower bound{' '}
                  {formatPercent(rule.lowerBound)})
                </td>
                <td data-label="“Not me”" className="lost">
                  {plural(rule.notMe, 'request')}
                </td>
                <td data-label="Example requests">
                  {rule.notMeExamples.map((id, at) => (
                    <span key={id}>
                      {at > 0 ? ', ' : ''}
                      <code title={id}>{id.slice(0, 8)}</code>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
