/** A tier, status or sensitivity as a small labelled badge (its text carries the meaning, not only its colour). */
export function Badge({ value, tone }: { value: string; tone?: 'good' | 'bad' | 'warn' | 'neutral' }) {
  return (
    <span className={`badge badge-${tone ?? toneOf(value)}`}>{value.toLowerCase().replaceAll('_', ' ')}</span>
  );
}

function toneOf(value: string): 'good' | 'bad' | 'warn' | 'neutral' {
  if (['ACTIVE', 'APPROVED', 'READ', 'ACCEPTED', 'OK'].includes(value)) return 'good';
  if (['DENIED', 'REVOKED', 'RETIRED', 'REJECTED', 'NONE', 'RESTRICTED', 'FAILED'].includes(value))
    return 'bad';
  if (['PENDING', 'SUSPENDED', 'NEW', 'EXPIRING', 'CONFIDENTIAL', 'DISCOVER'].includes(value)) return 'warn';
  return 'neutral';
}

/** An agent chain, outermost first: "assistant → sql-writer". */
export function Chain({ agents }: { agents: readonly { name: string; clientId: string }[] }) {
  if (agents.length === 0) return <span className="muted">the person themself</span>;
  return (
    <span className="chain">
      {agents.map((agent, index) => (
        <span key={agent.clientId} title={agent.clientId}>
          {index > 0 ? <span aria-hidden="true"> → </span> : null}
          {agent.name}
        </span>
      ))}
    </span>
  );
}
