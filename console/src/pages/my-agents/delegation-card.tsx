import { useId } from 'react';
import type { ResultOf } from '../../graphql/graphql.ts';
import { Badge, Chain } from '../../ui/badges.tsx';
import { Empty } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { DelegationRequests } from './delegation-requests.tsx';
import { GrantsTable } from './grants-table.tsx';
import type { myDelegationsQuery } from './my-agents-queries.ts';
import { RevokeDelegation } from './revoke-delegation.tsx';

type Delegation = ResultOf<typeof myDelegationsQuery>['myDelegations'][number];

/** One agent acting for the person now: what it acts for, what it holds, what it asked. */
export function DelegationCard({
  delegation,
  onRevoked,
}: {
  delegation: Delegation;
  onRevoked: (message: string) => void;
}) {
  const id = useId();
  const agentName = delegation.chain[0]?.name ?? 'the agent';
  return (
    <article className="delegation" aria-labelledby={`${id}-title`}>
      <header className="delegation-header">
        <div>
          <h3 id={`${id}-title`} className="delegation-title">
            <Chain agents={delegation.chain} />
            <span className="visually-hidden">, </span>
            <Badge value={delegation.intent} tone="neutral" />
          </h3>
          <dl className="facts delegation-facts">
            <dt>Task</dt>
            <dd>{delegation.taskId ?? <span className="muted">none named</span>}</dd>
            <dt>Since</dt>
            <dd>
              <Time value={delegation.issuedAt} />
            </dd>
            <dt>Token expires</dt>
            <dd>
              <Time value={delegation.expiresAt} />
            </dd>
            <dt>Sub-agents acting</dt>
            <dd>
              {delegation.subAgents.length === 0
                ? 'none'
                : delegation.subAgents.map((agent) => agent.name).join(', ')}
            </dd>
          </dl>
        </div>
        <RevokeDelegation
          tokenId={delegation.tokenId}
          agentName={agentName}
          subDelegations={delegation.subDelegations}
          onRevoked={onRevoked}
        />
      </header>
      <h4>Access it holds beyond your policies</h4>
      {delegation.grants.length === 0 ? (
        <Empty>{agentName} holds no extra access: it sees only what your policies give you.</Empty>
      ) : (
        <GrantsTable grants={delegation.grants} caption={`Grants ${agentName} holds`} />
      )}
      <h4>Requests it filed</h4>
      <DelegationRequests
        requests={delegation.requests}
        agentName={agentName}
        chainLength={delegation.chain.length}
      />
    </article>
  );
}
