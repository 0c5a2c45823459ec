import { Panel } from '../../ui/page.tsx';
import { AccessChanges } from './access-changes.tsx';
import type { ApplyOutcome } from './documents.ts';
import { TextDiff } from './text-diff.tsx';

/** What a dry run answered: the ids added, changed and removed, the text diff, and (policies) who gains and loses. */
export function SetPreview({
  noun,
  before,
  after,
  outcome,
  stale,
}: {
  noun: 'policies' | 'rules';
  before: string;
  after: string;
  outcome: ApplyOutcome;
  stale: boolean;
}) {
  return (
    <section className="stack preview" aria-label="Preview" aria-live="polite">
      {stale ? (
        <p className="notice notice-warn">
          This preview is of an earlier text: preview again to see the current one.
        </p>
      ) : null}
      <Panel title="What changes">
        <IdChanges outcome={outcome} noun={noun} />
      </Panel>
      {noun === 'policies' ? (
        <Panel title="Who gains and who loses">
          <AccessChanges
            changes={outcome.accessChanges}
            total={outcome.accessChangeCount}
            people={outcome.peopleAffected}
            applied={false}
          />
        </Panel>
      ) : null}
      <Panel title="Diff">
        <TextDiff before={before} after={after} />
      </Panel>
    </section>
  );
}

export function IdChanges({ outcome, noun }: { outcome: ApplyOutcome; noun: string }) {
  const one = noun === 'policies' ? 'policy' : 'rule';
  if (outcome.added.length + outcome.changed.length + outcome.removed.length === 0) {
    return <p className="empty">No {one} is added, changed or removed.</p>;
  }
  return (
    <dl className="id-changes">
      <IdList title="Added" ids={outcome.added} tone="gained" />
      <IdList title="Changed" ids={outcome.changed} tone="changed" />
      <IdList title="Removed" ids={outcome.removed} tone="lost" />
      <div>
        <dt>Unchanged</dt>
        <dd>{outcome.unchanged}</dd>
      </div>
    </dl>
  );
}

function IdList({ title, ids, tone }: { title: string; ids: readonly string[]; tone: string }) {
  return (
    <div>
      <dt>
        {title} ({ids.length})
      </dt>
      <dd>
        {ids.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="id-list">
            {ids.map((id) => (
              <li key={id} className={tone}>
                <code>{id}</code>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </div>
  );
}
