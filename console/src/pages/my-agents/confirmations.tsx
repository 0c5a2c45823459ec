import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Panel } from '../../ui/page.tsx';
import { ErrorNotice, Success } from '../../ui/status.tsx';
import { ConfirmationCard } from './confirmation-card.tsx';
import { awaitingMyConfirmationQuery } from './consent-queries.ts';

export const confirmationsTitle = 'Your agents ask you to confirm';

/**
 * The person's confirmation prompt, at the top of the pages they land on: each request their
 * agents made in their name that a rule asks them to confirm. Shown only when something waits (or
 * to say what their last answer did): a person with nothing to confirm sees nothing here.
 */
export function Confirmations() {
  const waiting = useApiQuery(awaitingMyConfirmationQuery, {}, { refetchIntervalMs: 15_000 });
  const [notice, setNotice] = useState<string | null>(null);
  if (waiting.error) {
    return <ErrorNotice error={waiting.error} title="Could not load what your agents ask you to confirm" />;
  }
  const requests = waiting.data?.awaitingMyConfirmation ?? [];
  if (requests.length === 0) return notice ? <Success>{notice}</Success> : null;
  return (
    <div className="confirmations">
      <Panel title={confirmationsTitle} aside={<span className="count-pill">{requests.length}</span>}>
        <p className="muted panel-note">
          An agent acting for you asked for more access in your name, and a rule asks you first. Only you can
          answer, here or in Slack; the agent cannot. If you did not ask for it, answer{' '}
          <strong>Not me</strong>.
        </p>
        {notice ? <Success>{notice}</Success> : null}
        <div className="stack">
          {requests.map((request) => (
            <ConfirmationCard key={request.id} request={request} onAnswered={setNotice} />
          ))}
        </div>
      </Panel>
    </div>
  );
}
