import type { ApiError } from '../../api/api-error.ts';
import { ErrorNotice } from '../../ui/status.tsx';

/**
 * The overview's refusal: a person who is not in governance sees what aperture answered, as a note
 * rather than an alarm (nothing broke; the API decided). Any other failure is an error.
 */
export function OverviewRefusal({ error }: { error: ApiError }) {
  if (error.code !== 'FORBIDDEN') return <ErrorNotice error={error} title="Could not load the overview" />;
  return (
    <div className="notice notice-info" role="status">
      <p>
        <strong>The overview is for governance leads.</strong> aperture answered: “{error.message}”
      </p>
      <p>Your own agents and the requests waiting for you are under My agents and Inbox.</p>
    </div>
  );
}
