import { useId, useState } from 'react';
import { Chain } from '../../ui/badges.tsx';
import { JsonBlock } from '../../ui/json-block.tsx';
import { Time } from '../../ui/time.tsx';
import type { AuditEventNode } from './documents.ts';

/** One event, and (expanded) its whole record: the payload as JSON, its place in the log and its leaf hash. */
export function AuditEventRow({ event }: { event: AuditEventNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const agents = event.actor.agents.map((agent) => ({
    clientId: agent.clientId ?? agent.id,
    name: agent.name ?? `unknown agent ${agent.id}`,
  }));
  return (
    <>
      <tr className={open ? 'event-open' : undefined}>
        <td data-label="When">
          <Time value={event.occurredAt} />
        </td>
        <th scope="row" data-label="Type">
          <code>{event.type}</code>
        </th>
        <td data-label="Who">
          {event.actor.human ? (
            <span title={event.actor.human.email}>{event.actor.human.name}</span>
          ) : event.actor.humanId ? (
            <span className="muted">person {event.actor.humanId}</span>
          ) : (
            <span className="muted">aperture</span>
          )}
          {agents.length > 0 ? (
            <div className="cell-note">
              via <Chain agents={agents} />
            </div>
          ) : null}
        </td>
        <td data-label="Intent">{event.intent ?? <span className="muted">—</span>}</td>
        <td data-label="Subject">
          {event.subject ? (
            <>
              <span className="muted">{event.subject.kind}</span>{' '}
              <code className="break">{event.subject.id}</code>
            </>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td data-label="Detail">
          <button
            type="button"
            className="button button-small"
            aria-expanded={open}
            aria-controls={`${id}-detail`}
            aria-label={`${open ? 'Hide' : 'Show'} details of event ${event.id} (${event.type})`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr id={`${id}-detail`} className="event-detail">
          <td colSpan={6}>
            <dl className="facts">
              <dt>Event</dt>
              <dd>
                {event.id} · {new Date(event.occurredAt).toISOString()}
              </dd>
              <dt>Place in the log</dt>
              <dd>{event.index ?? 'not sequenced yet'}</dd>
              {event.leafHash ? (
                <>
                  <dt>Leaf hash</dt>
                  <dd>
                    <code className="break">{event.leafHash}</code>
                  </dd>
                </>
              ) : null}
              {event.policyVersion != null ? (
                <>
                  <dt>Policy version</dt>
                  <dd>{event.policyVersion}</dd>
                </>
              ) : null}
              {event.actor.human ? (
                <>
                  <dt>Person</dt>
                  <dd>{event.actor.human.email}</dd>
                </>
              ) : null}
            </dl>
            <JsonBlock value={event.payload} label={`Payload of event ${event.id}`} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
