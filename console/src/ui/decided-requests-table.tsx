import { type FragmentOf, graphql, readFragment } from '../graphql/graphql.ts';
import { Badge, Chain } from './badges.tsx';
import { ConsentBadge } from './consent-badge.tsx';
import { describeDecider } from './decider.ts';
import { PathList } from './paths.tsx';
import { formatDuration, Time } from './time.tsx';

/** What the history tables show of a request: spread it into the query that lists them. */
export const decidedRequestFields = graphql(`
  fragment ConsoleDecidedRequest on AccessRequest {
    id
    status
    paths
    tier
    intent
    createdAt
    decidedAt
    decidedBy
    decider
    reason
    approvedDurationSeconds
    human { name }
    agents { clientId name }
    approvalSteps { objects { approvedBy { email name } } }
    consent { state answer }
  }
`);

/**
 * Decided requests, newest first: what was asked, the outcome, who decided and when. Shared by
 * My agents (the requests made for me) and the Inbox (what I decided, with whom it was for).
 */
export function DecidedRequestsTable({
  requests,
  caption,
  showHuman = false,
  viewer,
}: {
  requests: readonly FragmentOf<typeof decidedRequestFields>[];
  caption: string;
  showHuman?: boolean;
  viewer?: { email: string; decided: boolean };
}) {
  return (
    <div className="table-wrap">
      <table className="history-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Asked for</th>
            {showHuman ? <th scope="col">For</th> : null}
            <th scope="col">Agent</th>
            <th scope="col">Decided by</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {readFragment(decidedRequestFields, requests).map((request) => (
            <tr key={request.id}>
              <td data-label="Outcome">
                <Badge value={request.status} />{' '}
                <ConsentBadge consent={request.consent} person={showHuman ? request.human.name : null} />
                {request.status === 'APPROVED' && request.approvedDurationSeconds ? (
                  <div className="muted">for {formatDuration(request.approvedDurationSeconds)}</div>
                ) : null}
                {request.status === 'DENIED' && request.reason ? (
                  <div className="muted reason">“{request.reason}”</div>
                ) : null}
              </td>
              <td data-label="Asked for">
                <Badge value={request.tier} tone="neutral" /> <PathList paths={request.paths} />
              </td>
              {showHuman ? <td data-label="For">{request.human.name}</td> : null}
              <td data-label="Agent">
                <Chain agents={request.agents} />
                <div className="muted">{request.intent}</div>
              </td>
              <td data-label="Decided by">{describeDecider(request, viewer)}</td>
              <td data-label="When">
                <Time value={request.decidedAt ?? request.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
