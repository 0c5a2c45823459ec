import { Page } from '../../ui/page.tsx';

export function InboxPage() {
  return (
    <Page title="Inbox">
      <p>Coming in this change.</p>
    </Page>
  );
}
