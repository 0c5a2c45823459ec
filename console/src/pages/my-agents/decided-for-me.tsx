import { useApiQuery } from '../../api/use-api.ts';
import { DecidedRequestsTable } from '../../ui/decided-requests-table.tsx';
import { Panel } from '../../ui/page.tsx';
import { Pager, useCursorPages } from '../../ui/pager.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { myDecidedRequestsQuery } from './my-agents-queries.ts';

/** The requests agents made for me that are decided: the outcome, who decided, when. */
export function DecidedForMe() {
  const pages = useCursorPages();
  const decided = useApiQuery(myDecidedRequestsQuery, { after: pages.after });
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
              <Pager
                pages={pages}
                pageInfo={data.myAccessRequests.pageInfo}
                label="Pages of your decided requests"
                noun="requests"
                totalCount={data.myAccessRequests.totalCount}
              />
            </>
          )
        }
      </QueryState>
    </Panel>
  );
}
