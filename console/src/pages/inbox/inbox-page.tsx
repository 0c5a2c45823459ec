import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Empty, QueryState, Success } from '../../ui/status.tsx';
import { Confirmations } from '../my-agents/confirmations.tsx';
import { DecidedByMe } from './decided-by-me.tsx';
import { awaitingMyDecisionQuery } from './inbox-queries.ts';
import { InboxRequest } from './inbox-request.tsx';

/** Approvers: the requests waiting for my decision, with all an approver needs, and my history. */
export function InboxPage() {
  const waiting = useApiQuery(awaitingMyDecisionQuery, {}, { refetchIntervalMs: 30_000 });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Page
      title="Inbox"
      intro="Access requests that agents made and that wait for your decision: who they act for, why, what they ask for, and how similar requests were decided."
    >
      <Confirmations />
      {notice ? <Success>{notice}</Success> : null}
      <QueryState query={waiting} what="the requests waiting for you">
        {(data) => (
          <Panel
            title="Waiting for your decision"
            aside={
              data.myAccessRequests.totalCount > 0 ? (
                <span className="count-pill">{data.myAccessRequests.totalCount}</span>
              ) : null
            }
          >
            {data.myAccessRequests.edges.length === 0 ? (
              <Empty>
                Nothing waits for you. When an agent asks for data you own, steward or approve under a rule,
                the request shows here (and in Slack, if it is set up).
              </Empty>
            ) : (
              <div className="stack">
                {data.myAccessRequests.edges.map(({ node }) => (
                  <InboxRequest key={node.id} request={node} onDecided={setNotice} />
                ))}
                {data.myAccessRequests.totalCount > data.myAccessRequests.edges.length ? (
                  <p className="muted">
                    The newest {data.myAccessRequests.edges.length} of {data.myAccessRequests.totalCount} are
                    shown; the others come in as you decide these.
                  </p>
                ) : null}
              </div>
            )}
          </Panel>
        )}
      </QueryState>
      <DecidedByMe />
    </Page>
  );
}
