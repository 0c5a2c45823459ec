import type { ReactNode } from 'react';

/** A row of headline numbers ("Support 42", "Lower bound 96.1%"): a description list, read in order. */
export function Stats({
  items,
  label,
}: {
  items: { label: string; value: ReactNode; hint?: string }[];
  label?: string;
}) {
  return (
    <dl className="stats" aria-label={label}>
      {items.map((item) => (
        <div key={item.label} className="stat" title={item.hint}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
