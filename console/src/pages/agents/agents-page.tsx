import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { graphql } from '../../graphql/graphql.ts';
import { Badge } from '../../ui/badges.tsx';
import { Page, Panel } from '../../ui/page.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { AgentActions } from './agent-actions.tsx';

export const agentsQuery = graphql(`
  query ConsoleAgents($after: String) {
    agents(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          clientId
          name
          description
          ownerEmail
          status
          createdAt
          allowedIntents
          maxDelegationDepth
          parent { clientId name }
          ceiling { maxTier maxSensitivity paths requiredTags excludedTags }
        }
      }
    }
  }
`);

/** Governance: every agent with its owner, status, ceiling and intents; suspend, reactivate, retire, rotate. */
export function AgentsPage() {
  const [after, setAfter] = useState<string | null>(null);
  const agents = useApiQuery(agentsQuery, { after });
  return (
    <Page
      title="Agents"
      intro="Every agent registered with aperture: who owns it, what it may ever see (its ceiling), the intents it may act under, and the agent that delegates to it."
    >
      <QueryState query={agents} what="agents">
        {(data) => (
          <Panel title={`${data.agents.totalCount} agents`}>
            {data.agents.edges.length === 0 ? (
              <Empty>No agent is registered yet.</Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Agent</th>
                      <th scope="col">Owner</th>
                      <th scope="col">Status</th>
                      <th scope="col">Ceiling</th>
                      <th scope="col">Intents</th>
                      <th scope="col">Parent</th>
                      <th scope="col">Registered</th>
                      <th scope="col">
                        <span className="muted">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.agents.edges.map(({ node: agent }) => (
                      <tr key={agent.clientId}>
                        <td>
                          <strong>{agent.name}</strong>
                          <div className="muted">
                            <code>{agent.clientId}</code>
                          </div>
                          {agent.description ? <div>{agent.description}</div> : null}
                        </td>
                        <td>{agent.ownerEmail}</td>
                        <td>
                          <Badge value={agent.status} />
                        </td>
                        <td>
                          <Badge value={agent.ceiling.maxTier} /> up to{' '}
                          {agent.ceiling.maxSensitivity.toLowerCase()}
                          {agent.ceiling.paths.length > 0 ? (
                            <div className="muted">{agent.ceiling.paths.join(', ')}</div>
                          ) : null}
                        </td>
                        <td>{agent.allowedIntents.join(', ') || <span className="muted">none</span>}</td>
                        <td>{agent.parent?.name ?? <span className="muted">—</span>}</td>
                        <td>
                          <Time value={agent.createdAt} />
                        </td>
                        <td>
                          <AgentActions clientId={agent.clientId} name={agent.name} status={agent.status} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.agents.pageInfo.hasNextPage ? (
              <button
                type="button"
                className="button"
                onClick={() => setAfter(data.agents.pageInfo.endCursor ?? null)}
              >
                Next page
              </button>
            ) : null}
          </Panel>
        )}
      </QueryState>
    </Page>
  );
}
