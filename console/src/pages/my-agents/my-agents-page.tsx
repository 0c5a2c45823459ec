import { Page } from '../../ui/page.tsx';

export function MyAgentsPage() {
  return (
    <Page title="My agents">
      <p>Coming in this change.</p>
    </Page>
  );
}
