import { Badge, Chain } from '../../ui/badges.tsx';
import { PathList } from '../../ui/paths.tsx';
import { Time } from '../../ui/time.tsx';
import { RevokeGrant } from './revoke-grant.tsx';

export interface HeldGrant {
  id: string;
  paths: readonly string[];
  tier: string;
  scope: string;
  intent: string;
  expiresAt: string;
  createdAt: string;
  taskId: string | null;
  /** The agent chain that asked for it (shown where no delegation card names the agent). */
  agents?: readonly { clientId: string; name: string }[];
}

/** Grants in force, each revocable; with `showIntent`, the intent (and task) each is for. */
export function GrantsTable({
  grants,
  caption,
  showIntent = false,
}: {
  grants: readonly HeldGrant[];
  caption: string;
  showIntent?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="compact-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Objects</th>
            <th scope="col">Tier</th>
            {showIntent ? <th scope="col">Agent and intent</th> : null}
            <th scope="col">Granted</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <tr key={grant.id}>
              <td data-label="Objects">
                <PathList paths={grant.paths} />
              </td>
              <td data-label="Tier">
                <Badge value={grant.tier} />
              </td>
              {showIntent ? (
                <td data-label="Agent and intent">
                  {grant.agents ? (
                    <div>
                      <Chain agents={grant.agents} />
                    </div>
                  ) : null}
                  {grant.intent}
                  {grant.scope === 'TASK' && grant.taskId ? (
                    <div className="muted">task {grant.taskId} only</div>
                  ) : null}
                </td>
              ) : null}
              <td data-label="Granted">
                <Time value={grant.createdAt} />
              </td>
              <td data-label="Expires">
                <Time value={grant.expiresAt} />
              </td>
              <td data-label="">
                <RevokeGrant grantId={grant.id} paths={grant.paths} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
