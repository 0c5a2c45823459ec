import type { FallbackProps } from 'react-error-boundary';
import { Page } from '../ui/page.tsx';

/**
 * What a page that failed shows instead of a blank screen: most often its code could not be
 * downloaded (aperture was updated or restarted since this tab opened, or the network dropped).
 * Reloading fetches the current console (React keeps a failed download's error: trying again in
 * place would fail the same way); the menu still leads to the other pages.
 */
export function PageFailed({ error }: Pick<FallbackProps, 'error'>) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Page title="This page did not load">
      <div className="notice notice-error" role="alert">
        <p>
          Something went wrong while showing this page: <code>{message}</code>
        </p>
        <p>If aperture was just updated, reloading brings the current console.</p>
      </div>
      <div className="row">
        <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
          Reload the console
        </button>
      </div>
    </Page>
  );
}
