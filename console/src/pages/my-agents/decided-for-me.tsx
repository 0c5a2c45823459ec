import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { DecidedRequestsTable } from '../../ui/decided-requests-table.tsx';
import { Panel } from '../../ui/page.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { myDecidedRequestsQuery } from './my-agents-queries.ts';

/** The requests agents made for me that are decided: the outcome, who decided, when. */
export function DecidedForMe() {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const after = pages[pages.length - 1] ?? null;
  const decided = useApiQuery(myDecidedRequestsQuery, { after });
  return (
    <Panel title="Decided requests made for you">
      <QueryState query={decided} what="your decided requests">
        {(data) =>
          data.myAccessRequests.edges.length === 0 ? (
            <Empty>
              No request made for you has been decided yet. When an agent acting for you asks for more access,
              the outcome shows here: approved or denied, by a rule or by whom, and when.
            </Empty>
          ) : (
            <>
              <DecidedRequestsTable
                caption="Decided requests made for you"
                requests={data.myAccessRequests.edges.map((edge) => edge.node)}
              />
              <div className="row pager">
                {pages.length > 1 ? (
                  <button type="button" className="button" onClick={() => setPages(pages.slice(0, -1))}>
                    Newer requests
                  </button>
                ) : null}
                {data.myAccessRequests.pageInfo.hasNextPage ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => setPages([...pages, data.myAccessRequests.pageInfo.endCursor ?? null])}
                  >
                    Older requests
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
