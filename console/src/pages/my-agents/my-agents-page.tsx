import { useMemo, useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Empty, QueryState, Success } from '../../ui/status.tsx';
import { Confirmations } from './confirmations.tsx';
import { DecidedForMe } from './decided-for-me.tsx';
import { DelegationCard } from './delegation-card.tsx';
import { GrantedForMe } from './granted-for-me.tsx';
import { myDelegationsQuery } from './my-agents-queries.ts';
import { StandingConsents } from './standing-consents.tsx';

/** Any person: the agents acting for me now, what they hold and asked for, and how to stop them. */
export function MyAgentsPage() {
  const delegations = useApiQuery(myDelegationsQuery, {}, { refetchIntervalMs: 30_000 });
  const [notice, setNotice] = useState<string | null>(null);
  const shownAbove = useMemo(
    () =>
      new Set(
        (delegations.data?.myDelegations ?? []).flatMap((delegation) =>
          delegation.grants.map((grant) => grant.id),
        ),
      ),
    [delegations.data],
  );
  return (
    <Page
      title="My agents"
      intro="The AI agents acting for you right now: what each acts for, the extra access it holds and the requests it made. You can stop any of them at once."
    >
      <Confirmations />
      {notice ? <Success>{notice}</Success> : null}
      <Panel title="Acting for you now">
        <QueryState query={delegations} what="the agents acting for you">
          {(data) =>
            data.myDelegations.length === 0 ? (
              <Empty>
                No agent is acting for you now. When you hand an agent a token (your AI assistant asks you
                to), it shows here with the access it holds and the requests it makes, and you can revoke it
                at any time.
              </Empty>
            ) : (
              <div className="stack">
                {data.myDelegations.map((delegation) => (
                  <DelegationCard key={delegation.tokenId} delegation={delegation} onRevoked={setNotice} />
                ))}
              </div>
            )
          }
        </QueryState>
      </Panel>
      <GrantedForMe
        shownAbove={shownAbove}
        agentsActing={(delegations.data?.myDelegations.length ?? 0) > 0}
      />
      <StandingConsents />
      <DecidedForMe />
    </Page>
  );
}
