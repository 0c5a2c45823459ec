/** What the console knows of a request's decision: enough to say who (or what) decided it. */
export interface DecisionFacts {
  status: string;
  decidedBy: string | null;
  /** The API's words for who decided: a person's name, `rule <id>`, `the agent`, `expiry`. */
  decider: string | null;
  approvalSteps: readonly {
    objects: readonly { approvedBy: readonly { email: string; name: string }[] | null }[];
  }[];
}

/**
 * Who decided a request, in words: a rule, the approvers who approved it (several may have), the
 * person who denied it, nobody in time, or the agent that withdrew it; `you` where the viewer did.
 */
export function describeDecider(
  request: DecisionFacts,
  viewer?: { email: string; decided: boolean },
): string {
  const { status, decidedBy } = request;
  if (status === 'PENDING')
    return viewer?.decided ? 'you approved; it waits for other approvers' : 'not decided yet';
  if (status === 'CANCELLED') return 'withdrawn by the agent';
  if (status === 'EXPIRED' || decidedBy === 'system:expiry') return 'nobody decided in time';
  if (decidedBy?.startsWith('rule:')) return `automatically, by the rule ${decidedBy.slice('rule:'.length)}`;
  const approvers = new Map<string, string>();
  for (const step of request.approvalSteps) {
    for (const object of step.objects) {
      for (const approver of object.approvedBy ?? []) approvers.set(approver.email, approver.name);
    }
  }
  const names = [...approvers].map(([email, name]) => (email === viewer?.email ? 'you' : name));
  if (status === 'APPROVED') return names.length > 0 ? names.join(', ') : (request.decider ?? 'an approver');
  // The requests a viewer decided (DECIDED_BY_ME) and did not approve, they denied.
  if (viewer?.decided && !approvers.has(viewer.email)) return 'you';
  return request.decider ?? 'an approver';
}
