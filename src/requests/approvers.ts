import type { Prisma } from '../../generated/prisma/client.ts';
import type { ApprovalPlan } from './approvals/approval-plan.ts';
import type { RequestSnapshot, ResourceSnapshot } from './request-snapshot.ts';
import {
  type ApproverGroup,
  approverSteps,
  type Routing,
  requesterConfirmation,
} from './rules/rule-schema.ts';

export interface Candidate {
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
    [...approverSteps(routing).flatMap((step) => step.approvers), ...escalation, governance],
    snapshot,
  );
  return planFor(routing, snapshot, people, options);
}

/** The plan for these candidate people (active, never the requester): pure, see resolveApprovalPlan. */
export function planFor(
  routing: Routing,
  snapshot: RequestSnapshot,
  people: readonly Candidate[],
  options: { governanceGroup: string; escalated: boolean },
): ApprovalPlan {
  const escalation = options.escalated ? (routing.escalation?.to ?? []) : [];
  const governance: ApproverGroup = { kind: 'group', group: options.governanceGroup };
  // Per object, the people an earlier step cannot do without: one person counts in one step only,
  // so a later step may not rely on them (the owner who is also the manager approves once).
  const reserved = new Map<string, Set<string>>(
    snapshot.resources.map((resource) => [resource.path, new Set()]),
  );
  return {
    ordered: routing.ordered,
    requester: requesterConfirmation(routing),
    approveUpToSeconds: null,
    steps: approverSteps(routing).map((step) => ({
      name: step.name ?? null,
      required: step.required,
      objects: snapshot.resources.map((resource) => {
        const taken = reserved.get(resource.path)!;
        const eligible = eligibleFor(people, [...step.approvers, ...escalation], resource, snapshot.human);
        const free = eligible.filter((id) => !taken.has(id));
        if (free.length === step.required) for (const id of free) taken.add(id);
        if (free.length >= step.required) return { path: resource.path, eligible, governance: false };
        // Fewer people than the step needs (none at all, one owner for a quorum of two, or only
        // people an earlier step needs).
        const joined = new Set([...eligible, ...eligibleFor(people, [governance], resource, snapshot.human)]);
        return { path: resource.path, eligible: [...joined].sort(), governance: true };
      }),
    })),
  };
}
