import { useSession } from '../../api/session-context.tsx';
import { useApiQuery } from '../../api/use-api.ts';
import { DecidedRequestsTable } from '../../ui/decided-requests-table.tsx';
import { Panel } from '../../ui/page.tsx';
import { Pager, useCursorPages } from '../../ui/pager.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { decidedByMeQuery } from './inbox-queries.ts';

/** The approver's history: what they approved or denied, for whom, and how it ended. */
export function DecidedByMe() {
  const { person } = useSession();
  const pages = useCursorPages();
  const decided = useApiQuery(decidedByMeQuery, { after: pages.after });
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
              <Pager
                pages={pages}
                pageInfo={data.myAccessRequests.pageInfo}
                label="Pages of your decisions"
                noun="decisions"
                totalCount={data.myAccessRequests.totalCount}
              />
            </>
          )
        }
      </QueryState>
    </Panel>
  );
}
