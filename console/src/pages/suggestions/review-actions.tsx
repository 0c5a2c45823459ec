import { useState } from 'react';
import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import { Success } from '../../ui/status.tsx';
import {
  type AcceptEdits,
  acceptSuggestionMutation,
  rejectSuggestionMutation,
  type SuggestionDetail,
} from './documents.ts';

/** Accept (with edits to the rule it makes) or reject (with a reason) a NEW suggestion. */
export function ReviewActions({ suggestion }: { suggestion: SuggestionDetail }) {
  const accept = useApiMutation(acceptSuggestionMutation);
  const reject = useApiMutation(rejectSuggestionMutation);
  const [edits, setEdits] = useState({
    ruleId: '',
    description: '',
    position: '',
    maxDuration: '',
    reason: '',
  });
  const [done, setDone] = useState<string | null>(null);
  const set = (field: keyof typeof edits) => (event: { target: { value: string } }) =>
    setEdits((current) => ({ ...current, [field]: event.target.value }));

  const draft = (suggestion.ruleDraft ?? {}) as { id?: unknown; maxDuration?: unknown; reason?: unknown };
  const hint = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);

  if (done) return <Success>{done}</Success>;
  if (suggestion.status !== 'NEW') return null;

  async function confirmAccept() {
    const input: AcceptEdits = {};
    if (edits.ruleId.trim()) input.ruleId = edits.ruleId.trim();
    if (edits.description.trim()) input.description = edits.description.trim();
    if (edits.position.trim()) input.position = Number(edits.position);
    if (suggestion.action === 'approve' && edits.maxDuration.trim())
      input.maxDuration = edits.maxDuration.trim();
    if (suggestion.action === 'deny' && edits.reason.trim()) input.reason = edits.reason.trim();
    const result = await accept.mutateAsync({ id: suggestion.id, edits: input });
    const ruleId =
      (result.acceptRuleSuggestion.rule as { id?: string } | null)?.id ??
      result.acceptRuleSuggestion.suggestion.acceptedRuleId;
    setDone(
      `Accepted: rule ${ruleId ?? ''} is in force as part of rule-set version ${result.acceptRuleSuggestion.ruleSetVersion}.`,
    );
  }

  return (
    <div className="row">
      <ActionDialog
        label="Accept"
        title="Accept this suggestion as a rule"
        description={
          <p>
            A new rule-set version adds the rule: <strong>{suggestion.summary}</strong>. Leave a field empty
            to keep what the suggestion proposes.
          </p>
        }
        confirmLabel="Accept as a rule"
        onConfirm={confirmAccept}
      >
        <label className="field">
          <span>Rule id</span>
          <input
            value={edits.ruleId}
            onChange={set('ruleId')}
            placeholder={hint(draft.id, 'mined-…')}
            autoComplete="off"
          />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea value={edits.description} onChange={set('description')} rows={2} maxLength={500} />
        </label>
        <label className="field">
          <span>Position in the rules</span>
          <input
            type="number"
            min={0}
            value={edits.position}
            onChange={set('position')}
            placeholder="0 (first)"
            inputMode="numeric"
          />
        </label>
        {suggestion.action === 'approve' ? (
          <label className="field">
            <span>Longest grant</span>
            <input
              value={edits.maxDuration}
              onChange={set('maxDuration')}
              placeholder={hint(draft.maxDuration, 'PT8H')}
              autoComplete="off"
            />
          </label>
        ) : (
          <label className="field">
            <span>Reason shown to the agent</span>
            <textarea
              value={edits.reason}
              onChange={set('reason')}
              rows={2}
              maxLength={500}
              placeholder={hint(draft.reason, '')}
            />
          </label>
        )}
      </ActionDialog>
      <ActionDialog
        label="Reject"
        title="Reject this suggestion"
        description="It is not suggested again unless its evidence changes materially. Say why, for whoever reviews it next."
        confirmLabel="Reject"
        tone="danger"
        reason="required"
        onConfirm={async (reason) => {
          await reject.mutateAsync({ id: suggestion.id, reason });
          setDone('Rejected.');
        }}
      />
    </div>
  );
}
