import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Pager, useCursorPages } from '../../ui/pager.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { AgentRow } from './agent-row.tsx';
import { agentsQuery } from './agents-query.ts';

/**
 * Governance: every agent with its owner, status, ceiling, intents, parent and children, last use,
 * live tokens and grants in force; suspend, reactivate, retire, rotate its secret.
 */
export function AgentsPage() {
  const pages = useCursorPages();
  const agents = useApiQuery(agentsQuery, { after: pages.after });
  return (
    <Page
      title="Agents"
      intro="Every agent registered with aperture: who owns it, what it may ever see (its ceiling), the intents it may act under, its parent and children, and what it holds now (live tokens, grants in force)."
    >
      <QueryState query={agents} what="agents">
        {(data) => (
          <Panel title={`${data.agents.totalCount} agents`}>
            {data.agents.edges.length === 0 ? (
              <Empty>No agent is registered yet.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table-cards agents-table">
                  <thead>
                    <tr>
                      <th scope="col">Agent</th>
                      <th scope="col">Status</th>
                      <th scope="col">Ceiling</th>
                      <th scope="col">Intents</th>
                      <th scope="col">Parent and children</th>
                      <th scope="col">Use</th>
                      <th scope="col">
                        <span className="muted">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.agents.edges.map(({ node: agent }) => (
                      <AgentRow key={agent.clientId} agent={agent} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager
              pages={pages}
              pageInfo={data.agents.pageInfo}
              label="Pages of agents"
              noun="agents"
              order="by name"
            />
          </Panel>
        )}
      </QueryState>
    </Page>
  );
}
