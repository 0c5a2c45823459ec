/** Catalog paths as code, one per line (a grant or request names one to fifty of them). */
export function PathList({ paths }: { paths: readonly string[] }) {
  if (paths.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="path-list">
      {paths.map((path) => (
        <li key={path}>
          <code>{path}</code>
        </li>
      ))}
    </ul>
  );
}
