import { Badge } from '../../ui/badges.tsx';
import { formatCount, plural } from '../../ui/format.ts';
import type { AccessChange } from './documents.ts';
import { groupChangesByPerson } from './group-changes.ts';

/** Who gains and who loses which objects: per person, gains in green and losses in red (in words too). */
export function AccessChanges({
  changes,
  total,
  people,
  applied,
}: {
  changes: readonly AccessChange[];
  total: number;
  people: number;
  applied: boolean;
}) {
  if (total === 0) {
    return <p className="empty">Nobody's access changes: every person sees every object as before.</p>;
  }
  const groups = groupChangesByPerson(changes);
  const gained = changes.filter((change) => change.gained).length;
  return (
    <div className="stack">
      <p>
        {applied ? 'This version changed' : 'This change would change'} what{' '}
        <strong>{plural(people, 'person', 'people')}</strong> see, <strong>{plural(total, 'object')}</strong>{' '}
        for one person or another
        {changes.length < total ? `; of the first ${formatCount(changes.length)}, listed here` : ''}:{' '}
        <span className="gained">{formatCount(gained)} gained</span>,{' '}
        <span className="lost">{formatCount(changes.length - gained)} lost</span>.
      </p>
      <ul className="people-changes">
        {groups.map((person) => (
          <li key={person.email}>
            <details open={groups.length <= 2}>
              <summary>
                <span className="person-change-name">
                  <strong>{person.name}</strong> <span className="muted">{person.email}</span>
                </span>
                <span className="person-change-counts">
                  {person.gained > 0 ? <span className="gained">+{person.gained} gained</span> : null}
                  {person.lost > 0 ? <span className="lost">−{person.lost} lost</span> : null}
                </span>
              </summary>
              <div className="change-columns">
                <ChangeList title="Gains" changes={person.changes.filter((change) => change.gained)} />
                <ChangeList title="Loses" changes={person.changes.filter((change) => !change.gained)} />
              </div>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ChangeList({ title, changes }: { title: 'Gains' | 'Loses'; changes: readonly AccessChange[] }) {
  if (changes.length === 0) return null;
  return (
    <section
      aria-label={title}
      className={title === 'Gains' ? 'change-list change-gains' : 'change-list change-losses'}
    >
      <h4 className={title === 'Gains' ? 'gained' : 'lost'}>
        {title} ({changes.length})
      </h4>
      <ul>
        {changes.map((change) => (
          <li key={change.path}>
            <code className="break">{change.path}</code> <span className="muted">{change.kind}</span>{' '}
            <span className="tier-change">
              <TierOrNone tier={change.before} /> <span aria-hidden="true">→</span>
              <span className="visually-hidden">to</span> <TierOrNone tier={change.after} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function TierOrNone({ tier }: { tier: string | null }) {
  return tier ? <Badge value={tier} /> : <span className="muted">hidden</span>;
}
