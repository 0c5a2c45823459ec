import { Page } from '../../ui/page.tsx';

export function PoliciesPage() {
  return (
    <Page title="Policies and rules">
      <p>Coming in this change.</p>
    </Page>
  );
}
