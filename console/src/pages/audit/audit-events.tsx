import { AuditEventRow } from './audit-event-row.tsx';
import type { AuditEventNode } from './documents.ts';

/** The events of one page, newest first. */
export function AuditEvents({ events }: { events: readonly AuditEventNode[] }) {
  return (
    <div className="table-wrap">
      <table className="table-cards audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Type</th>
            <th scope="col">Who</th>
            <th scope="col">Intent</th>
            <th scope="col">Subject</th>
            <th scope="col">
              <span className="muted">Detail</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <AuditEventRow key={event.id} event={event} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
