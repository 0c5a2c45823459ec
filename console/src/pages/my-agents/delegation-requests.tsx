import { Badge, Chain } from '../../ui/badges.tsx';
import { ConsentBadge } from '../../ui/consent-badge.tsx';
import { PathList } from '../../ui/paths.tsx';
import { Empty } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';

interface FiledRequest {
  id: string;
  status: string;
  paths: readonly string[];
  tier: string;
  createdAt: string;
  decidedAt: string | null;
  agents: readonly { clientId: string; name: string }[];
  consent: { state: string; answer: string | null };
}

/** The requests a delegation's agents filed (the newest 20), with where each stands. */
export function DelegationRequests({
  requests,
  agentName,
  chainLength,
}: {
  requests: readonly FiledRequest[];
  agentName: string;
  chainLength: number;
}) {
  if (requests.length === 0) return <Empty>{agentName} has not asked for more access.</Empty>;
  // A request by a sub-agent names its longer chain; the delegation's own agent needs no repeat.
  const showChain = requests.some((request) => request.agents.length > chainLength);
  return (
    <div className="table-wrap">
      <table className="compact-table">
        <caption className="visually-hidden">Requests {agentName} filed</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Asked for</th>
            {showChain ? <th scope="col">By</th> : null}
            <th scope="col">Asked</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr key={request.id}>
              <td data-label="Status">
                <Badge value={request.status} /> <ConsentBadge consent={request.consent} person={null} />
              </td>
              <td data-label="Asked for">
                <Badge value={request.tier} tone="neutral" /> <PathList paths={request.paths} />
              </td>
              {showChain ? (
                <td data-label="By">
                  <Chain agents={request.agents} />
                </td>
              ) : null}
              <td data-label="Asked">
                <Time value={request.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
