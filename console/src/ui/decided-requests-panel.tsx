import type { ReactNode } from 'react';
import { useApiQuery } from '../api/use-api.ts';
import { graphql, type VariablesOf } from '../graphql/graphql.ts';
import { DecidedRequestsTable, decidedRequestFields } from './decided-requests-table.tsx';
import { Panel } from './page.tsx';
import { Pager, useCursorPages } from './pager.tsx';
import { Empty, QueryState } from './status.tsx';

/** A person's decided requests in one part they play (made for them, decided by them), a page at a time. */
const decidedRequestsQuery = graphql(
  `
  query ConsoleDecidedRequests($role: AccessRequestRole!, $statuses: [AccessRequestStatus!], $after: String) {
    myAccessRequests(role: $role, statuses: $statuses, first: 25, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ...ConsoleDecidedRequest } }
    }
  }
`,
  [decidedRequestFields],
);

type DecidedRequestsFilter = Omit<VariablesOf<typeof decidedRequestsQuery>, 'after'>;

/**
 * Decided requests as a titled, paged table: My agents (the requests made for me) and the Inbox
 * (what I decided) show the same thing through different roles.
 */
export function DecidedRequestsPanel({
  filter,
  title,
  what,
  empty,
  noun,
  showHuman = false,
  viewer,
}: {
  filter: DecidedRequestsFilter;
  title: string;
  /** What is loading, for the status line: "the requests you decided". */
  what: string;
  empty: ReactNode;
  /** What the pager pages through: "decisions", "requests". */
  noun: string;
  showHuman?: boolean;
  viewer?: { email: string; decided: boolean };
}) {
  const pages = useCursorPages();
  const decided = useApiQuery(decidedRequestsQuery, { ...filter, after: pages.after });
  return (
    <Panel title={title}>
      <QueryState query={decided} what={what}>
        {(data) =>
          data.myAccessRequests.edges.length === 0 ? (
            <Empty>{empty}</Empty>
          ) : (
            <>
              <DecidedRequestsTable
                caption={title}
                requests={data.myAccessRequests.edges.map((edge) => edge.node)}
                showHuman={showHuman}
                {...(viewer ? { viewer } : {})}
              />
              <Pager
                pages={pages}
                pageInfo={data.myAccessRequests.pageInfo}
                label={`Pages of ${title.toLowerCase()}`}
                noun={noun}
                totalCount={data.myAccessRequests.totalCount}
              />
            </>
          )
        }
      </QueryState>
    </Panel>
  );
}
