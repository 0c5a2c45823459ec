import { useApiQuery } from '../../api/use-api.ts';
import { Panel } from '../../ui/page.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { GrantsTable } from './grants-table.tsx';
import { myActiveGrantsQuery } from './my-agents-queries.ts';

/**
 * The grants in force made for me that no agent acting now holds (those show with their agent above).
 * A grant outlives the token of the agent that asked for it: the next token of the same agent and
 * intent may use it, so the person must be able to see and revoke it when no agent acts.
 */
export function GrantedForMe({
  shownAbove,
  agentsActing,
}: {
  /** Ids of the grants listed under a delegation. */
  shownAbove: ReadonlySet<string>;
  agentsActing: boolean;
}) {
  const grants = useApiQuery(myActiveGrantsQuery, {}, { refetchIntervalMs: 30_000 });
  const title = agentsActing ? 'Other access granted to your agents' : 'Access granted to your agents';
  return (
    <Panel title={title}>
      <QueryState query={grants} what="the access granted to your agents">
        {(data) => {
          const others = data.myGrants.edges
            .map((edge) => edge.node)
            .filter((grant) => !shownAbove.has(grant.id));
          return others.length === 0 ? (
            <Empty>
              {agentsActing
                ? 'Your agents hold no other access beyond your policies.'
                : 'Your agents hold no access beyond your policies. When a rule or an approver grants a request of theirs, the grant shows here until it expires, and you can revoke it.'}
            </Empty>
          ) : (
            <>
              <p className="muted panel-note">
                In force until they expire, though no agent is acting for you with them now: the next token
                you give the same agent for the same intent may use them again.
              </p>
              <GrantsTable grants={others} caption={title} showIntent />
            </>
          );
        }}
      </QueryState>
    </Panel>
  );
}
