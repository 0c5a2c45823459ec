import { useState } from 'react';
import { useSession } from '../../api/session-context.tsx';
import { useApiQuery } from '../../api/use-api.ts';
import { DecidedRequestsTable } from '../../ui/decided-requests-table.tsx';
import { Panel } from '../../ui/page.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { decidedByMeQuery } from './inbox-queries.ts';

/** The approver's history: what they approved or denied, for whom, and how it ended. */
export function DecidedByMe() {
  const { person } = useSession();
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const decided = useApiQuery(decidedByMeQuery, { after: pages[pages.length - 1] ?? null });
  return (
    <Panel title="Decided by you">
      <QueryState query={decided} what="the requests you decided">
        {(data) =>
          data.myAccessRequests.edges.length === 0 ? (
            <Empty>You have not decided any request yet. What you approve or deny is kept here.</Empty>
          ) : (
            <>
              <DecidedRequestsTable
                caption="Requests you decided"
                requests={data.myAccessRequests.edges.map((edge) => edge.node)}
                showHuman
                viewer={{ email: person.email, decided: true }}
              />
              <div className="row pager">
                {pages.length > 1 ? (
                  <button type="button" className="button" onClick={() => setPages(pages.slice(0, -1))}>
                    Newer decisions
                  </button>
                ) : null}
                {data.myAccessRequests.pageInfo.hasNextPage ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => setPages([...pages, data.myAccessRequests.pageInfo.endCursor ?? null])}
                  >
                    Older decisions
                  </button>
                ) : null}
                <span className="muted">{data.myAccessRequests.totalCount} in all</span>
              </div>
            </>
          )
        }
      </QueryState>
    </Panel>
  );
}
