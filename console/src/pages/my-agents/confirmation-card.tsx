import { useId } from 'react';
import { Badge } from '../../ui/badges.tsx';
import { CatalogPath } from '../../ui/paths.tsx';
import { RequestFacts } from '../../ui/request-facts.tsx';
import { Time } from '../../ui/time.tsx';
import { RequestObjects } from '../inbox/request-objects.tsx';
import { ConfirmActions } from './confirm-actions.tsx';
import { requestedWhat } from './consent-answer.ts';
import type { AwaitingConfirmation } from './consent-queries.ts';

/**
 * One request an agent made in the person's name, exactly as it was asked: through which agents,
 * for what intent and task, which objects (with their sensitivity), what tier, for how long, and
 * the agent's own justification (its words, shown as a quote: it proves nothing).
 */
export function ConfirmationCard({
  request,
  onAnswered,
}: {
  request: AwaitingConfirmation;
  onAnswered: (message: string) => void;
}) {
  const id = useId();
  // The agent that asked is the last of the chain; the first is the one the person handed a token.
  const agentName = request.agents.at(-1)?.name ?? 'your agent';
  const what = requestedWhat(request.tier, request.paths);
  return (
    <article className="confirmation" aria-labelledby={`${id}-title`}>
      <header className="inbox-request-header">
        <div>
          <h3 id={`${id}-title`}>
            {agentName} <span className="muted">asks to</span> <Badge value={request.tier} />{' '}
            {request.paths.length === 1 && request.paths[0] ? (
              <CatalogPath path={request.paths[0]} className="inbox-what" />
            ) : (
              <span className="inbox-what">{request.paths.length} objects</span>
            )}
          </h3>
          <p className="muted human-line">
            in your name · asked <Time value={request.createdAt} /> · expires unanswered{' '}
            <Time value={request.expiresAt} />
            {request.consent.position === 'BESIDE' ? ' · its approvers are asked at the same time' : ''}
          </p>
        </div>
      </header>
      <RequestFacts request={request} justificationLabel="The agent's justification:" />
      <RequestObjects objects={request.objects} />
      {request.viewerCanConfirm ? (
        <ConfirmActions
          requestId={request.id}
          taskId={request.taskId}
          agentName={agentName}
          what={what}
          onAnswered={onAnswered}
        />
      ) : (
        <p className="muted">It no longer waits for your answer.</p>
      )}
    </article>
  );
}
