import { useId } from 'react';
import { useSession } from '../../api/session-context.tsx';
import type { ResultOf } from '../../graphql/graphql.ts';
import { Badge } from '../../ui/badges.tsx';
import { ConsentBadge } from '../../ui/consent-badge.tsx';
import { CatalogPath } from '../../ui/paths.tsx';
import { RequestFacts } from '../../ui/request-facts.tsx';
import { Time } from '../../ui/time.tsx';
import { ApprovalSteps } from './approval-steps.tsx';
import { DecideActions } from './decide-actions.tsx';
import type { awaitingMyDecisionQuery } from './inbox-queries.ts';
import { RequestObjects } from './request-objects.tsx';
import { SimilarDecisions } from './similar-decisions.tsx';

type WaitingRequest = ResultOf<typeof awaitingMyDecisionQuery>['myAccessRequests']['edges'][number]['node'];

/** One request waiting for the approver: who, through which agents, why, what, and who else decides. */
export function InboxRequest({
  request,
  onDecided,
}: {
  request: WaitingRequest;
  onDecided: (message: string) => void;
}) {
  const id = useId();
  const { person } = useSession();
  const { human } = request;
  const what = request.paths.length === 1 ? request.paths[0] : `${request.paths.length} objects`;
  const summary = `${human.name}'s ${request.agents[0]?.name ?? 'agent'} asks to ${request.tier.toLowerCase()} ${what}`;
  return (
    <article className="inbox-request" aria-labelledby={`${id}-title`}>
      <header className="inbox-request-header">
        <div>
          <h3 id={`${id}-title`}>
            {human.name} <span className="muted">asks to</span> <Badge value={request.tier} />{' '}
            {request.paths.length === 1 && request.paths[0] ? (
              <CatalogPath path={request.paths[0]} className="inbox-what" />
            ) : (
              <span className="inbox-what">{what}</span>
            )}
          </h3>
          <p className="muted human-line">
            {[human.title, human.department].filter(Boolean).join(', ') || human.email} · asked{' '}
            <Time value={request.createdAt} /> · expires unanswered <Time value={request.expiresAt} />{' '}
            <ConsentBadge
              consent={request.consent}
              person={human.email === person.email ? null : human.name}
            />
          </p>
        </div>
        {request.viewerCanDecide ? (
          <DecideActions
            requestId={request.id}
            summary={summary}
            requestedSeconds={request.requestedDurationSeconds}
            canApprove={request.viewerCanApprove}
            onDecided={onDecided}
          />
        ) : (
          <p className="muted">You cannot decide it now.</p>
        )}
      </header>
      {request.viewerCanDecide && !request.viewerCanApprove ? (
        <p className="notice notice-info">
          {request.consent.state === 'WAITING' && request.consent.position === 'BEFORE'
            ? `${human.name} must first confirm that they asked for it; you can approve once they did. You may still deny it.`
            : 'Your approval does not count yet: an earlier approval step waits. You may still deny it.'}
        </p>
      ) : null}
      <div className="inbox-grid">
        <section aria-label="The request">
          <RequestFacts request={request} justificationLabel="Justification:" />
        </section>
        <section aria-label="Who decides">
          <h4>Rule and approvers</h4>
          <ApprovalSteps ruleId={request.ruleId} steps={request.approvalSteps} viewerEmail={person.email} />
          {request.similarDecisions ? (
            <>
              <h4>Similar requests</h4>
              <SimilarDecisions {...request.similarDecisions} />
            </>
          ) : null}
        </section>
      </div>
      <h4>What it asks for</h4>
      <RequestObjects objects={request.objects} />
    </article>
  );
}
