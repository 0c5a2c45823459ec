import { useApiQuery } from '../../api/use-api.ts';
import { Badge, Chain } from '../../ui/badges.tsx';
import { Panel } from '../../ui/page.tsx';
import { PathList } from '../../ui/paths.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { notMeFacts } from './not-me-facts.ts';
import { notMeEventType, type SecurityEventNode, securityEventsQuery } from './security-queries.ts';

/**
 * Governance: each time a person answered "not me" to a request an agent made in their name. The
 * request was denied; nothing was suspended by itself (unless the setting took the delegation
 * back), so each line is for someone to look into: the agent, its chain, what it asked.
 */
export function SecurityEvents() {
  const events = useApiQuery(securityEventsQuery, { types: [notMeEventType] }, { refetchIntervalMs: 30_000 });
  return (
    <Panel title="Security events">
      <QueryState query={events} what="the security events">
        {(data) =>
          data.auditEvents.edges.length === 0 ? (
            <Empty>
              No one has answered "not me". When a person says they did not ask for what an agent requested in
              their name, the request is denied and it shows here with the agent chain, to look into.
            </Empty>
          ) : (
            <>
              <p className="muted panel-note">
                People who said an agent asked for access in their name without them. The requests were
                denied; suspend the agent under Agents if it cannot be trusted.
              </p>
              <div className="table-wrap">
                <table className="compact-table">
                  <caption className="visually-hidden">Security events: “not me” answers</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Person</th>
                      <th scope="col">Agent chain</th>
                      <th scope="col">Asked for</th>
                      <th scope="col">Delegation</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.auditEvents.edges.map(({ node }) => (
                      <NotMeRow key={node.id} event={node} />
                    ))}
                  </tbody>
                </table>
              </div>
              {data.auditEvents.pageInfo.hasNextPage ? (
                <p className="muted">
                  The newest 20 are shown; the Audit page lists them all ({notMeEventType}).
                </p>
              ) : null}
            </>
          )
        }
      </QueryState>
    </Panel>
  );
}

function NotMeRow({ event }: { event: SecurityEventNode }) {
  const facts = notMeFacts(event.payload);
  const agents = event.actor.agents.map((agent) => ({
    clientId: agent.clientId ?? agent.id,
    name: agent.name ?? `unknown agent ${agent.id}`,
  }));
  return (
    <tr>
      <td data-label="When">
        <Time value={event.occurredAt} />
      </td>
      <td data-label="Person">
        {event.actor.human ? (
          <span title={event.actor.human.email}>{event.actor.human.name}</span>
        ) : (
          <span className="muted">person {event.actor.humanId ?? 'unknown'}</span>
        )}
      </td>
      <td data-label="Agent chain">
        <Chain agents={agents} />
        <div className="muted">
          {event.intent ?? 'no intent'}
          {facts.taskId ? ` · task ${facts.taskId}` : ''}
        </div>
      </td>
      <td data-label="Asked for">
        {facts.tier ? <Badge value={facts.tier} tone="neutral" /> : null} <PathList paths={facts.paths} />
        {facts.justification ? <div className="muted reason">“{facts.justification}”</div> : null}
      </td>
      <td data-label="Delegation">
        {facts.delegationRevoked ? (
          <Badge value="revoked" tone="bad" />
        ) : (
          <Badge value="not revoked" tone="warn" />
        )}
      </td>
    </tr>
  );
}
