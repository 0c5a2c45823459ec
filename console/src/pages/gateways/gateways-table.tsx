import type { IssuedSecret, PepClientNode } from './documents.ts';
import { GatewayRow } from './gateway-row.tsx';

/** The registered gateways, as aperture lists them (by name). */
export function GatewaysTable({
  gateways,
  onSecret,
}: {
  gateways: readonly PepClientNode[];
  onSecret: (secret: IssuedSecret) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table-cards gateways-table">
        <thead>
          <tr>
            <th scope="col">Gateway</th>
            <th scope="col">Status</th>
            <th scope="col">Registered</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="muted">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {gateways.map((gateway) => (
            <GatewayRow key={gateway.clientId} gateway={gateway} onSecret={onSecret} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
