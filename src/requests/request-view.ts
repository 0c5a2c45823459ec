import type { AccessRequest } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { type ApprovalStepView, approvalStatus } from './approvals/approval-status.ts';
import { describeDecider } from './decider-names.ts';
import type { RequestSnapshot, ResourceSnapshot } from './request-snapshot.ts';
import { type Routing, routingSchema } from './rules/rule-schema.ts';
import { type SimilarDecisions, similarDecisions } from './similar-decisions.ts';

/** Everything an approver is shown about a request (the Slack prompt), with names rather than ids. */
export interface RequestView {
  request: AccessRequest;
  human: { name: string; email: string; title: string | null; department: string | null };
  /** Agent names, outermost first. */
  chain: string[];
  resources: ResourceSnapshot[];
  routing: Routing | null;
  approvals: { name: string }[];
  /** Each approval step and what each object still waits for in it (approvers see who). */
  steps: ApprovalStepView[];
  /** Who decided, by name (`rule <id>`, a person's name, `expiry`, `the agent`). */
  decidedBy: string | null;
  grant: { status: string; expiresAt: Date; endReason: string | null } | null;
  /** Earlier human decisions on requests for any of the same objects at the same tier. */
  similar: SimilarDecisions;
}

export async function loadRequestView(prisma: PrismaClient, requestId: string): Promise<RequestView | null> {
  const request = await prisma.accessRequest.findUnique({
    where: { id: requestId },
    include: { approvals: { orderBy: { createdAt: 'asc' } }, grant: true },
  });
  if (!request) return null;
  const snapshot = request.snapshot as unknown as RequestSnapshot;
  const personIds = [
    ...request.approvals.map((approval) => approval.approverId),
    ...(request.decidedBy?.startsWith('person:') ? [request.decidedBy.slice('person:'.length)] : []),
  ];
  const [agents, people, [similar], steps] = await Promise.all([
    prisma.agent.findMany({ where: { id: { in: request.chain } }, select: { id: true, name: true } }),
    prisma.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } }),
    similarDecisions(prisma, [request.id]),
    // Prompts go to approvers, who are entitled to see who decides what; nothing beyond the
    // request's own objects (its snapshot) is shown.
    approvalStatus(prisma, request, { people: true }),
  ]);
  const agentName = new Map(agents.map((agent) => [agent.id, agent.name]));
  const personName = new Map(people.map((person) => [person.id, person.name]));
  return {
    request,
    human: {
      name: snapshot.human.name,
      email: snapshot.human.email,
      title: snapshot.human.title,
      department: snapshot.human.department,
    },
    chain: request.chain.map((id) => agentName.get(id) ?? id),
    resources: snapshot.resources,
    routing: request.routing ? routingSchema.parse(request.routing) : null,
    approvals: request.approvals.map((approval) => ({
      name: personName.get(approval.approverId) ?? 'someone',
    })),
    steps,
    decidedBy: describeDecider(request.decidedBy, personName),
    grant: request.grant
      ? {
          status: request.grant.status,
          expiresAt: request.grant.expiresAt,
          endReason: request.grant.endReason,
        }
      : null,
    similar: similar ?? { approved: 0, denied: 0 },
  };
}
