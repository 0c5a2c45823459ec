import type { ReactNode } from 'react';
import type { ApiError } from '../api/api-error.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** An API refusal or failure, in the words aperture gave (field problems listed under it). */
export function ErrorNotice({ error, title }: { error: ApiError | Error; title?: string }) {
  const problems = 'problems' in error ? error.problems : [];
  return (
    <div className="notice notice-error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error.message}
      {problems.length > 0 ? (
        <ul>
          {problems.map((problem) => (
            <li key={`${problem.location}:${problem.message}`}>
              <code>{problem.location}</code>: {problem.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice-success" role="status" aria-live="polite">
      {children}
    </div>
  );
}

/** Renders the loading, error or data state of a query in one place. */
export function QueryState<Data>({
  query,
  what,
  children,
}: {
  query: { isPending: boolean; error: ApiError | null; data: Data | undefined };
  what: string;
  children: (data: Data) => ReactNode;
}) {
  if (query.error) return <ErrorNotice error={query.error} title={`Could not load ${what}`} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  return <>{children(query.data)}</>;
}
