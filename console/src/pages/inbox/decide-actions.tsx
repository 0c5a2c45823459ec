import { useState } from 'react';
import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import { formatDuration } from '../../ui/time.tsx';
import { durationInputOf, isoDuration, parseDurationInput } from './duration.ts';
import { DurationField } from './duration-field.tsx';
import { approveMutation, denyMutation } from './inbox-queries.ts';

/** Approve with a duration, or deny with a reason; aperture's refusal shows in the dialog. */
export function DecideActions({
  requestId,
  summary,
  requestedSeconds,
  canApprove,
  onDecided,
}: {
  requestId: string;
  /** "Oliver Grant's SQL assistant: read analytics.marketing.leads", for the dialogs' titles. */
  summary: string;
  requestedSeconds: number;
  canApprove: boolean;
  onDecided: (message: string) => void;
}) {
  const approve = useApiMutation(approveMutation);
  const deny = useApiMutation(denyMutation);
  const [duration, setDuration] = useState(() => durationInputOf(requestedSeconds));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="row decide-actions">
      {canApprove ? (
        <ActionDialog
          label="Approve"
          title="Approve this request?"
          description={summary}
          confirmLabel="Approve"
          onConfirm={async () => {
            const parsed = parseDurationInput(duration);
            if ('problem' in parsed) {
              setProblem(parsed.problem);
              throw new Error(parsed.problem);
            }
            setProblem(null);
            const { approveAccessRequest: decided } = await approve.mutateAsync({
              requestId,
              duration: isoDuration(parsed.seconds),
            });
            onDecided(
              decided.status === 'APPROVED'
                ? `Approved for ${formatDuration(decided.approvedDurationSeconds)}: ${summary}.`
                : `Your approval counts (${decided.approvals} of ${decided.requiredApprovals}); it waits for the other approvers: ${summary}.`,
            );
          }}
        >
          <DurationField
            value={duration}
            onChange={(value) => {
              setDuration(value);
              setProblem(null);
            }}
            requestedSeconds={requestedSeconds}
            problem={problem}
          />
        </ActionDialog>
      ) : null}
      <ActionDialog
        label="Deny"
        title="Deny this request?"
        description={
          <>
            <p>{summary}</p>
            <p>The agent is told your reason.</p>
          </>
        }
        confirmLabel="Deny"
        tone="danger"
        reason="required"
        onConfirm={async (reason) => {
          await deny.mutateAsync({ requestId, reason });
          onDecided(`Denied: ${summary}.`);
        }}
      />
    </div>
  );
}
