import { useMemo, useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Pager, useCursorPages } from '../../ui/pager.tsx';
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
  const pages = useCursorPages();
  const filter = useMemo(() => auditFilterFrom(form), [form]);
  const events = useApiQuery(auditEventsQuery, { filter, first: pageSize, after: pages.after });
  const seenTypes = useMemo(
    () => [...new Set((events.data?.auditEvents.edges ?? []).map(({ node }) => node.type))],
    [events.data],
  );
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
            pages.reset();
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
              <Pager
                pages={pages}
                pageInfo={data.auditEvents.pageInfo}
                label="Audit event pages"
                noun="events"
              />
            </div>
          )}
        </QueryState>
      </Panel>
    </Page>
  );
}
