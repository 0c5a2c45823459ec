import { Fragment } from 'react';

/** A catalog path that may wrap after its dots (never inside a name): analytics.⁠hr.⁠headcount_monthly. */
export function CatalogPath({ path, className }: { path: string; className?: string }) {
  const parts = path.split('.');
  return (
    <code className={className}>
      {parts.map((part, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one path never move
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 ? (
            <>
              .<wbr />
            </>
          ) : null}
        </Fragment>
      ))}
    </code>
  );
}

/** Catalog paths as code, one per line (a grant or request names one to fifty of them). */
export function PathList({ paths }: { paths: readonly string[] }) {
  if (paths.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="path-list">
      {paths.map((path) => (
        <li key={path}>
          <CatalogPath path={path} />
        </li>
      ))}
    </ul>
  );
}
