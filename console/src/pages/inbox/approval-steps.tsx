import { CatalogPath } from '../../ui/paths.tsx';

interface Person {
  email: string;
  name: string;
}

interface StepObject {
  path: string;
  approvals: number;
  waiting: boolean;
  approvers: readonly Person[] | null;
  approvedBy: readonly Person[] | null;
}

interface Step {
  name: string | null;
  required: number;
  open: boolean;
  satisfied: boolean;
  objects: readonly StepObject[];
}

/** The rule that routed the request and its approval steps: who may approve, who did, what still waits. */
export function ApprovalSteps({
  ruleId,
  steps,
  viewerEmail,
}: {
  ruleId: string | null;
  steps: readonly Step[];
  viewerEmail: string;
}) {
  return (
    <div className="approval-steps">
      <p className="rule-line">
        {ruleId ? (
          <>
            Routed by the rule <code>{ruleId}</code>
          </>
        ) : (
          'No rule matched: routed to the owners of the objects.'
        )}
      </p>
      {steps.length === 0 ? null : (
        <ol className="steps">
          {steps.map((step, index) => (
            <li key={step.name ?? index} className={step.satisfied ? 'step step-done' : 'step'}>
              <div className="step-title">
                <strong>{step.name ?? `Step ${index + 1}`}</strong>{' '}
                <span className="muted">
                  {step.satisfied ? 'done' : step.open ? 'waiting now' : 'after the step before'} ·{' '}
                  {step.required} approval{step.required === 1 ? '' : 's'} per object
                </span>
              </div>
              <ul className="plain-list step-groups">
                {groupAlike(step.objects).map((group) => (
                  <li key={group.paths.join(' ')}>
                    {step.objects.length > 1 ? (
                      <div className="step-paths">
                        {group.paths.map((path) => (
                          <CatalogPath key={path} path={path} />
                        ))}
                      </div>
                    ) : null}
                    <PeopleLine label="May approve" people={group.approvers} viewerEmail={viewerEmail} />
                    <PeopleLine label="Approved" people={group.approvedBy} viewerEmail={viewerEmail} />
                    {group.waiting && step.open ? (
                      <div className="muted">
                        {group.approvals} of {step.required} so far
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Objects that wait for the same people in the same way are shown once, with all their paths. */
function groupAlike(objects: readonly StepObject[]): (Omit<StepObject, 'path'> & { paths: string[] })[] {
  const groups = new Map<string, Omit<StepObject, 'path'> & { paths: string[] }>();
  for (const object of objects) {
    const key = JSON.stringify([
      object.approvals,
      object.waiting,
      object.approvers?.map((person) => person.email),
      object.approvedBy?.map((person) => person.email),
    ]);
    const group = groups.get(key);
    if (group) group.paths.push(object.path);
    else groups.set(key, { ...object, paths: [object.path] });
  }
  return [...groups.values()];
}

function PeopleLine({
  label,
  people,
  viewerEmail,
}: {
  label: string;
  people: readonly Person[] | null;
  viewerEmail: string;
}) {
  if (!people || people.length === 0) return null;
  return (
    <div>
      <span className="muted">{label}: </span>
      {people.map((person, index) => (
        <span key={person.email} title={person.email}>
          {index > 0 ? ', ' : ''}
          {person.email === viewerEmail ? <strong>you</strong> : person.name}
        </span>
      ))}
    </div>
  );
}
