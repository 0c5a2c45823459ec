import { Page } from '../../ui/page.tsx';

export function SuggestionsPage() {
  return (
    <Page title="Suggestions">
      <p>Coming in this change.</p>
    </Page>
  );
}
