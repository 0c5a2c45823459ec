import { useMemo, useState } from 'react';
import { ApiError } from '../../api/api-error.ts';
import { ErrorNotice } from '../../ui/status.tsx';
import { YamlEditor } from '../../ui/yaml-editor.tsx';
import { type LocatedProblem, locateProblems, parseYaml, toYaml, unwrapList } from '../../ui/yaml-source.ts';
import type { ApplyOutcome } from './documents.ts';
import { SetPreview } from './set-preview.tsx';

export interface SetKind {
  /** `policies` or `rules`: the file format's key, and aperture's noun in problem locations. */
  noun: 'policies' | 'rules';
  /** The editor's label, e.g. "Policies (YAML)". */
  label: string;
}

/** The current set as the YAML file format (`policies: [...]`), the way an operator's file reads. */
export function setAsYaml(noun: string, items: unknown): string {
  return toYaml({ [noun]: items });
}

/**
 * Edits one versioned set as YAML. "Preview" sends the text as a dry run: aperture validates it
 * field by field (problems shown in place), and answers what would change. "Apply" is offered only
 * for exactly the text last previewed without problems, so nobody applies what they did not see.
 */
export function SetEditor({
  kind,
  version,
  items,
  apply,
  onApplied,
}: {
  kind: SetKind;
  version: number;
  items: unknown;
  apply: (items: unknown, dryRun: boolean) => Promise<ApplyOutcome>;
  onApplied: (outcome: ApplyOutcome) => void;
}) {
  const original = useMemo(() => setAsYaml(kind.noun, items), [kind.noun, items]);
  const [text, setText] = useState(original);
  const [problems, setProblems] = useState<LocatedProblem[]>([]);
  const [failure, setFailure] = useState<Error | null>(null);
  const [preview, setPreview] = useState<{ text: string; outcome: ApplyOutcome } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);
  const previewed = preview !== null && preview.text === text;

  async function send(dryRun: boolean) {
    setFailure(null);
    const parsed = parseYaml(text);
    if (!parsed.ok) {
      setProblems(parsed.problems);
      setPreview(null);
      return;
    }
    setBusy(dryRun ? 'preview' : 'apply');
    try {
      const outcome = await apply(unwrapList(parsed.value, kind.noun), dryRun);
      setProblems([]);
      if (dryRun) setPreview({ text, outcome });
      else onApplied(outcome);
    } catch (caught) {
      setPreview(null);
      if (caught instanceof ApiError && caught.problems.length > 0) {
        setProblems(locateProblems(text, caught.problems));
      } else {
        setProblems([]);
        setFailure(caught instanceof Error ? caught : new Error(String(caught)));
      }
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="stack">
      <YamlEditor
        label={kind.label}
        value={text}
        onChange={setText}
        problems={problems}
        hint={`Version ${version} in force. Edit, preview what the change does, then apply it as version ${version + 1}.`}
      />
      <div className="row">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void send(true)}>
          {busy === 'preview' ? 'Previewing…' : 'Preview'}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!previewed || busy !== null || problems.length > 0}
          aria-describedby={previewed ? undefined : `${kind.noun}-apply-hint`}
          onClick={() => void send(false)}
        >
          {busy === 'apply' ? 'Applying…' : `Apply as version ${version + 1}`}
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={text === original || busy !== null}
          onClick={() => {
            setText(original);
            setProblems([]);
            setPreview(null);
            setFailure(null);
          }}
        >
          Discard edits
        </button>
        {previewed ? null : (
          <span id={`${kind.noun}-apply-hint`} className="field-hint">
            {preview
              ? 'The text changed since the preview: preview again to apply.'
              : 'Preview first to apply.'}
          </span>
        )}
      </div>
      {failure ? <ErrorNotice error={failure} title="aperture did not take the change" /> : null}
      {preview ? (
        <SetPreview
          noun={kind.noun}
          before={original}
          after={preview.text}
          outcome={preview.outcome}
          stale={!previewed}
        />
      ) : null}
    </div>
  );
}
