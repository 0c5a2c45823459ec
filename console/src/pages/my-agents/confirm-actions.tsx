import { useId, useState } from 'react';
import type { ApiError } from '../../api/api-error.ts';
import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import { ErrorNotice } from '../../ui/status.tsx';
import {
  answeredMessage,
  type ConsentAnswerChoice,
  defaultStandingConsentDays,
  standingConsentDayChoices,
} from './consent-answer.ts';
import { confirmAccessRequestMutation } from './consent-queries.ts';

/**
 * The person's answer to a request their agent made in their name: Allow once, Allow for this task
 * (only when the request names a task), Always for this agent (for 7, 30 or 90 days), or Not me.
 * The two plain allows act on one click, as a phone's permission prompt does; the two that outlast
 * this request (a standing consent, an alert to governance) ask first.
 */
export function ConfirmActions({
  requestId,
  taskId,
  agentName,
  what,
  onAnswered,
}: {
  requestId: string;
  taskId: string | null;
  agentName: string;
  /** "read analytics.marts.customers". */
  what: string;
  onAnswered: (message: string) => void;
}) {
  const confirm = useApiMutation(confirmAccessRequestMutation);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [days, setDays] = useState<number>(defaultStandingConsentDays);
  const daysName = useId();

  async function answer(choice: ConsentAnswerChoice, chosenDays?: number) {
    const { confirmAccessRequest: outcome } = await confirm.mutateAsync({
      requestId,
      answer: choice,
      ...(chosenDays === undefined ? {} : { days: chosenDays }),
    });
    onAnswered(
      answeredMessage(
        choice,
        { status: outcome.request.status, delegationRevoked: outcome.delegationRevoked },
        { agentName, what, ...(chosenDays === undefined ? {} : { days: chosenDays }) },
      ),
    );
  }

  async function answerAtOnce(choice: 'ONCE' | 'TASK') {
    setError(null);
    try {
      await answer(choice);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  }

  return (
    <div className="confirm-actions">
      <div className="row">
        <button
          type="button"
          className="button button-primary"
          disabled={confirm.isPending}
          onClick={() => answerAtOnce('ONCE')}
        >
          Allow once
        </button>
        {taskId ? (
          <button
            type="button"
            className="button button-primary"
            disabled={confirm.isPending}
            onClick={() => answerAtOnce('TASK')}
          >
            Allow for this task
          </button>
        ) : null}
        <ActionDialog
          label="Always for this agent"
          title={`Always allow ${agentName} to ${what}?`}
          description={
            <p>
              {agentName} will no longer ask you before it asks for this again (for the same purpose, through
              the same agents, at most this access). It never sees more than your own policies allow, and you
              can revoke it at any time under Standing consents.
            </p>
          }
          confirmLabel="Always allow"
          onConfirm={() => answer('ALWAYS', days)}
        >
          <fieldset className="days-field">
            <legend>For how long</legend>
            <div className="row">
              {standingConsentDayChoices.map((choice) => (
                <label key={choice} className="days-option">
                  <input
                    type="radio"
                    name={daysName}
                    value={choice}
                    checked={days === choice}
                    onChange={() => setDays(choice)}
                  />
                  <span>{choice} days</span>
                </label>
              ))}
            </div>
          </fieldset>
        </ActionDialog>
        <ActionDialog
          label="Not me"
          title="You did not ask for this?"
          description={
            <>
              <p>
                aperture denies the request at once and alerts governance that {agentName} asked to {what} in
                your name without you.
              </p>
              <p>
                Nothing else stops by itself: if you do not trust {agentName} any more, revoke its delegation
                under My agents.
              </p>
            </>
          }
          confirmLabel="Not me: deny and alert governance"
          tone="danger"
          onConfirm={() => answer('NOT_ME')}
        />
      </div>
      {error ? <ErrorNotice error={error} title="Your answer was not taken" /> : null}
    </div>
  );
}
