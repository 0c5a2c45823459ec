import type { Prisma } from '../../generated/prisma/client.ts';
import type { ApprovalPlan } from './approvals/approval-plan.ts';
import type { RequestSnapshot, ResourceSnapshot } from './request-snapshot.ts';
import type { ApproverGroup, Routing } from './rules/rule-schema.ts';

interface Candidate {
  id: string;
  email: string;
  groups: string[];
}

/**
 * The people who may approve, per requested object: its owner or stewards, the human's manager, or
 * members of a named group; always active, never the requesting human. Owners and stewards are
 * per object, so an owner of one object is no approver of another.
 */
function eligibleFor(
  people: readonly Candidate[],
  groups: readonly ApproverGroup[],
  resource: ResourceSnapshot,
  human: RequestSnapshot['human'],
): string[] {
  const emails = new Set<string>();
  const groupNames = new Set<string>();
  for (const group of groups) {
    if (group.kind === 'owners' && resource.ownerEmail) emails.add(resource.ownerEmail.toLowerCase());
    if (group.kind === 'stewards')
      for (const email of resource.stewardEmails) emails.add(email.toLowerCase());
    if (group.kind === 'manager' && human.manager) emails.add(human.manager.toLowerCase());
    if (group.kind === 'group') groupNames.add(group.group);
  }
  return people
    .filter(
      (person) =>
        emails.has(person.email.toLowerCase()) || person.groups.some((name) => groupNames.has(name)),
    )
    .map((person) => person.id)
    .sort();
}

/** Everyone any of these groups could name for this request, in one query. */
async function candidates(
  tx: Prisma.TransactionClient,
  groups: readonly ApproverGroup[],
  snapshot: RequestSnapshot,
): Promise<Candidate[]> {
  const emails = new Set<string>();
  const groupNames = new Set<string>();
  for (const group of groups) {
    if (group.kind === 'group') groupNames.add(group.group);
    if (group.kind === 'manager' && snapshot.human.manager) emails.add(snapshot.human.manager.toLowerCase());
  }
  for (const resource of snapshot.resources) {
    if (resource.ownerEmail) emails.add(resource.ownerEmail.toLowerCase());
    for (const email of resource.stewardEmails) emails.add(email.toLowerCase());
  }
  if (emails.size === 0 && groupNames.size === 0) return [];
  return tx.person.findMany({
    where: {
      active: true,
      id: { not: snapshot.human.id },
      OR: [{ email: { in: [...emails] } }, { groups: { hasSome: [...groupNames] } }],
    },
    select: { id: true, email: true, groups: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * Resolves a routing into the request's approval plan: for every step and every requested object,
 * who is eligible. Escalation approvers (once escalated) are eligible in every step. Where fewer
 * people are eligible than the step requires (often nobody), governance joins them for that object
 * in that step, so that nothing waits for people who do not exist.
 */
export async function resolveApprovalPlan(
  tx: Prisma.TransactionClient,
  routing: Routing,
  snapshot: RequestSnapshot,
  options: { governanceGroup: string; escalated: boolean },
): Promise<ApprovalPlan> {
  const escalation = options.escalated ? (routing.escalation?.to ?? []) : [];
  const governance: ApproverGroup = { kind: 'group', group: options.governanceGroup };
  const people = await candidates(
    tx,
    [...routing.steps.flatMap((step) => step.approvers), ...escalation, governance],
    snapshot,
  );
  return {
    ordered: routing.ordered,
    steps: routing.steps.map((step) => ({
      name: step.name ?? null,
      required: step.required,
      objects: snapshot.resources.map((resource) => {
        const eligible = eligibleFor(people, [...step.approvers, ...escalation], resource, snapshot.human);
        if (eligible.length >= step.required) return { path: resource.path, eligible, governance: false };
        // Fewer people than the step needs (none at all, or one owner for a quorum of two).
        const joined = new Set([...eligible, ...eligibleFor(people, [governance], resource, snapshot.human)]);
        return { path: resource.path, eligible: [...joined].sort(), governance: true };
      }),
    })),
  };
}
