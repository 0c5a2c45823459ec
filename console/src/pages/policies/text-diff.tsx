import { structuredPatch } from 'diff';

/** The changed lines of a text (3 lines of context), added in green and removed in red, with + and − too. */
export function TextDiff({ before, after }: { before: string; after: string }) {
  const patch = structuredPatch('current', 'edited', before, after, '', '', { context: 3 });
  if (patch.hunks.length === 0) return <p className="empty">The text is the same as the version in force.</p>;
  return (
    <div className="stack">
      {patch.hunks.map((hunk) => (
        <figure key={`${hunk.oldStart}-${hunk.newStart}`} className="diff-hunk">
          <figcaption className="muted">
            Lines {hunk.newStart}–{hunk.newStart + Math.max(hunk.newLines - 1, 0)}
          </figcaption>
          <pre className="diff">
            {hunk.lines.map((line, index) => {
              const kind = line[0] === '+' ? 'added' : line[0] === '-' ? 'removed' : 'context';
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines of one hunk never move
                <span key={index} className={`diff-line ${kind}`}>
                  {kind === 'added' ? '+ ' : kind === 'removed' ? '− ' : '  '}
                  {line.slice(1) || ' '}
                </span>
              );
            })}
          </pre>
        </figure>
      ))}
    </div>
  );
}
