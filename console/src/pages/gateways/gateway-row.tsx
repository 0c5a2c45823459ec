import { Badge } from '../../ui/badges.tsx';
import { Time } from '../../ui/time.tsx';
import type { IssuedSecret, PepClientNode } from './documents.ts';
import { GatewayActions } from './gateway-actions.tsx';

/** One gateway: who it is, its status and since when, its registration and last call, and what governance may do to it. */
export function GatewayRow({
  gateway,
  onSecret,
}: {
  gateway: PepClientNode;
  onSecret: (secret: IssuedSecret) => void;
}) {
  return (
    <tr>
      <th scope="row" data-label="Gateway" className="cell-gateway">
        <strong>{gateway.name}</strong>
        <div className="muted break">
          <code>{gateway.clientId}</code>
        </div>
        {gateway.description ? <div className="cell-note">{gateway.description}</div> : null}
      </th>
      <td data-label="Status">
        <Badge value={gateway.status} />
        {gateway.statusChangedAt ? (
          <div className="muted cell-note">
            changed <Time value={gateway.statusChangedAt} />
          </div>
        ) : null}
      </td>
      <td data-label="Registered">
        <Time value={gateway.createdAt} />
      </td>
      <td data-label="Last used">
        {gateway.lastUsedAt ? <Time value={gateway.lastUsedAt} /> : <span className="muted">never</span>}
      </td>
      <td data-label="Actions">
        <GatewayActions gateway={gateway} onSecret={onSecret} />
      </td>
    </tr>
  );
}
