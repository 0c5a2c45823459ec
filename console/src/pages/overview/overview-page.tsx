import { Page } from '../../ui/page.tsx';

export function OverviewPage() {
  return (
    <Page title="Overview">
      <p>Coming in this change.</p>
    </Page>
  );
}
