import { useMemo, useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { AuditEvents } from './audit-events.tsx';
import { type AuditFilterForm, auditFilterFrom, emptyAuditFilterForm } from './audit-filter.ts';
import { AuditFilters } from './audit-filters.tsx';
import { auditEventsQuery } from './documents.ts';
import { LogStatus } from './log-status.tsx';

const pageSize = 25;

/** Governance: the tamper-evident audit log, its integrity first, then the events with filters and pages. */
export function AuditPage() {
  const [form, setForm] = useState<AuditFilterForm>(emptyAuditFilterForm);
  // Cursors of the pages before this one: "Newer" pops back to the previous one.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const filter = useMemo(() => auditFilterFrom(form), [form]);
  const events = useApiQuery(auditEventsQuery, { filter, first: pageSize, after });
  const seenTypes = useMemo(
    () => [...new Set((events.data?.auditEvents.edges ?? []).map(({ node }) => node.type))],
    [events.data],
  );
  const pageNumber = cursors.length;
  return (
    <Page
      title="Audit"
      intro="Everything aperture decided and everyone who acted, in a log whose signed checkpoints let anyone check that nothing was changed or removed."
    >
      <LogStatus />
      <Panel title="Events">
        <AuditFilters
          applied={form}
          seenTypes={seenTypes}
          onApply={(next) => {
            setForm(next);
            setCursors([null]);
          }}
        />
        <QueryState query={events} what="audit events">
          {(data) => (
            <div className="stack">
              {data.auditEvents.edges.length === 0 ? (
                <Empty>No event matches these filters.</Empty>
              ) : (
                <AuditEvents events={data.auditEvents.edges.map(({ node }) => node)} />
              )}
              <nav className="row pager" aria-label="Audit event pages">
                <button
                  type="button"
                  className="button"
                  disabled={pageNumber === 1}
                  onClick={() => setCursors(cursors.slice(0, -1))}
                >
                  Newer events
                </button>
                <span className="muted">Page {pageNumber}</span>
                <button
                  type="button"
                  className="button"
                  disabled={!data.auditEvents.pageInfo.hasNextPage}
                  onClick={() => setCursors([...cursors, data.auditEvents.pageInfo.endCursor ?? null])}
                >
                  Older events
                </button>
              </nav>
            </div>
          )}
        </QueryState>
      </Panel>
    </Page>
  );
}
