/** How people decided requests like this one before (the same objects and tier), as a sentence and a bar. */
export function SimilarDecisions({ approved, denied }: { approved: number; denied: number }) {
  const total = approved + denied;
  if (total === 0) return <p className="muted">No similar request has been decided by a person yet.</p>;
  const share = Math.round((approved / total) * 100);
  return (
    <div className="similar">
      <p>
        <strong>{approved}</strong> approved, <strong>{denied}</strong> denied
      </p>
      <div className="similar-bar" aria-hidden="true">
        <span className="similar-approved" style={{ width: `${share}%` }} />
      </div>
    </div>
  );
}
