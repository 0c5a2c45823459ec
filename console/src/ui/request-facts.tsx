import { Chain } from './badges.tsx';
import { formatDuration } from './time.tsx';

interface RequestFactsProps {
  request: {
    agents: readonly { clientId: string; name: string }[];
    intent: string;
    taskId: string | null;
    requestedDurationSeconds: number;
    scope: string;
    justification: string;
    extendsGrantId?: string | null;
  };
  /** How a screen reader introduces the justification (it is the agent's own words). */
  justificationLabel: string;
}

/** What an agent asked, as approvers and the person it is for both read it: the chain, intent, task, duration and its justification. */
export function RequestFacts({ request, justificationLabel }: RequestFactsProps) {
  return (
    <>
      <dl className="facts request-facts">
        <dt>Through</dt>
        <dd>
          <Chain agents={request.agents} />
        </dd>
        <dt>Intent</dt>
        <dd>{request.intent}</dd>
        <dt>Task</dt>
        <dd>{request.taskId ?? <span className="muted">none named</span>}</dd>
        <dt>For</dt>
        <dd>
          {formatDuration(request.requestedDurationSeconds)}
          {request.scope === 'TASK' ? ' (this task only)' : ''}
          {request.extendsGrantId ? ' (extends a grant)' : ''}
        </dd>
      </dl>
      <blockquote className="justification">
        <span className="visually-hidden">{justificationLabel} </span>
        {request.justification}
      </blockquote>
    </>
  );
}
