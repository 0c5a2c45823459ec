import { Badge } from '../../ui/badges.tsx';
import { Time } from '../../ui/time.tsx';
import { AgentActions } from './agent-actions.tsx';
import type { AgentNode } from './agents-query.ts';

/** One agent in the directory: who it is, its limits, its family, its use now, and what governance may do to it. */
export function AgentRow({ agent }: { agent: AgentNode }) {
  return (
    <tr>
      <th scope="row" data-label="Agent" className="cell-agent">
        <strong>{agent.name}</strong>
        <div className="muted">
          <code>{agent.clientId}</code>
        </div>
        <div className="cell-note">
          <span className="muted">owner </span>
          <span className="break">{agent.ownerEmail}</span>
        </div>
        {agent.description ? <div className="cell-note">{agent.description}</div> : null}
      </th>
      <td data-label="Status">
        <Badge value={agent.status} />
        <div className="muted cell-note">
          {agent.statusChangedAt ? (
            <>
              since <Time value={agent.statusChangedAt} />
            </>
          ) : (
            <>
              registered <Time value={agent.createdAt} />
            </>
          )}
        </div>
      </td>
      <td data-label="Ceiling">
        <Badge value={agent.ceiling.maxTier} /> up to {agent.ceiling.maxSensitivity.toLowerCase()}
        {agent.ceiling.paths.length > 0 ? (
          <div className="muted cell-note">paths {agent.ceiling.paths.join(', ')}</div>
        ) : null}
        {agent.ceiling.requiredTags.length > 0 ? (
          <div className="muted cell-note">tags {agent.ceiling.requiredTags.join(', ')}</div>
        ) : null}
        {agent.ceiling.excludedTags.length > 0 ? (
          <div className="muted cell-note">not {agent.ceiling.excludedTags.join(', ')}</div>
        ) : null}
      </td>
      <td data-label="Intents">
        {agent.allowedIntents.length > 0 ? (
          <ul className="inline-list">
            {agent.allowedIntents.map((intent) => (
              <li key={intent}>{intent}</li>
            ))}
          </ul>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
      <td data-label="Family">
        {agent.parent || agent.children.length > 0 ? (
          <>
            {agent.parent ? (
              <div>
                <span className="muted">under </span>
                <span title={agent.parent.clientId}>{agent.parent.name}</span>
              </div>
            ) : null}
            {agent.children.length > 0 ? (
              <div>
                <span className="muted">over </span>
                {agent.children.map((child) => child.name).join(', ')}
              </div>
            ) : null}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label="Use" className="cell-use">
        <div>
          {agent.lastUsedAt ? (
            <>
              used <Time value={agent.lastUsedAt} />
            </>
          ) : (
            <span className="muted">never used</span>
          )}
        </div>
        <div className={agent.liveTokens > 0 ? undefined : 'muted'}>
          <span className={agent.liveTokens > 0 ? 'count-strong' : undefined}>{agent.liveTokens}</span> live
          token
          {agent.liveTokens === 1 ? '' : 's'}
        </div>
        <div className={agent.activeGrants > 0 ? undefined : 'muted'}>
          <span className={agent.activeGrants > 0 ? 'count-strong' : undefined}>{agent.activeGrants}</span>{' '}
          grant
          {agent.activeGrants === 1 ? '' : 's'} in force
        </div>
      </td>
      <td data-label="Actions">
        <AgentActions clientId={agent.clientId} name={agent.name} status={agent.status} />
      </td>
    </tr>
  );
}
