import { Page } from '../../ui/page.tsx';

export function AuditPage() {
  return (
    <Page title="Audit">
      <p>Coming in this change.</p>
    </Page>
  );
}
