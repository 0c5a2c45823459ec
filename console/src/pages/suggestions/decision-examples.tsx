import { Badge } from '../../ui/badges.tsx';
import { Empty } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import type { DecisionExample } from './evidence-examples.ts';

/** The latest decisions that agree (or disagree) with a suggestion: who decided, what and when. */
export function DecisionExamples({
  title,
  examples,
}: {
  title: string;
  examples: readonly DecisionExample[];
}) {
  return (
    <section aria-label={title} className="examples">
      <h3>
        {title} ({examples.length})
      </h3>
      {examples.length === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table-cards">
            <thead>
              <tr>
                <th scope="col">Decision</th>
                <th scope="col">Outcome</th>
                <th scope="col">Decided by</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {examples.map((example) => (
                <tr key={example.id}>
                  <th scope="row" data-label="Decision">
                    <code title={example.id}>{example.id.slice(0, 8)}</code>
                  </th>
                  <td data-label="Outcome">
                    <Badge value={example.outcome.toUpperCase()} />
                  </td>
                  <td data-label="Decided by">
                    {example.approver ?? <span className="muted">unknown</span>}
                  </td>
                  <td data-label="When">
                    <Time value={example.decidedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
