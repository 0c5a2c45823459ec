import { useId, useRef } from 'react';
import type { LocatedProblem } from './yaml-source.ts';

/**
 * A YAML text area with its problems listed in place under it: each names its line (a button that
 * moves the cursor there) and aperture's location of the field. `aria-invalid` marks the editor
 * while there are problems, and the list describes it to screen readers.
 */
export function YamlEditor({
  label,
  value,
  onChange,
  problems,
  rows = 24,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  problems: readonly LocatedProblem[];
  rows?: number;
  hint?: string;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, problems.length > 0 ? `${id}-problems` : null]
    .filter(Boolean)
    .join(' ');

  function goToLine(line: number) {
    const element = area.current;
    if (!element) return;
    const starts = [0];
    for (let at = value.indexOf('\n'); at >= 0; at = value.indexOf('\n', at + 1)) starts.push(at + 1);
    const start = starts[line - 1] ?? 0;
    const end = (starts[line] ?? value.length + 1) - 1;
    element.focus();
    element.setSelectionRange(start, Math.max(start, end));
    const lineHeight = Number.parseFloat(getComputedStyle(element).lineHeight) || 18;
    element.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  return (
    <div className="yaml-editor">
      <label className="field" htmlFor={`${id}-text`}>
        <span>{label}</span>
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <textarea
        ref={area}
        id={`${id}-text`}
        className="code"
        rows={rows}
        value={value}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        aria-invalid={problems.length > 0}
        aria-describedby={describedBy || undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {problems.length > 0 ? (
        <div id={`${id}-problems`} className="notice notice-error problems" role="alert">
          <strong>
            {problems.length === 1 ? '1 problem' : `${problems.length} problems`} to fix before this can be
            applied:
          </strong>
          <ul>
            {problems.map((problem) => (
              <li key={`${problem.location}:${problem.message}`}>
                {problem.line !== null ? (
                  <button type="button" className="link-button" onClick={() => goToLine(problem.line!)}>
                    Line {problem.line}
                  </button>
                ) : null}{' '}
                <code>{problem.location}</code>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
