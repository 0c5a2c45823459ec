import type { AccessRequest } from '../../generated/prisma/client.ts';

/** What became of a request, and who (or what) took it there: kinds only, never ids. */
export interface DecisionOutcome {
  outcome: 'approved' | 'denied' | 'routed' | 'expired' | 'cancelled';
  by: 'rule' | 'person' | 'agent' | 'system';
}

/** Told of each decision once it is committed (e.g. to count them for monitoring). */
export type DecisionRecorder = (decision: DecisionOutcome) => void;

const outcomes = {
  PENDING: 'routed',
  APPROVED: 'approved',
  DENIED: 'denied',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
} as const satisfies Record<AccessRequest['status'], DecisionOutcome['outcome']>;

const makers = new Set<string>(['rule', 'person', 'agent']);

/** A request's decision as counted: `decidedBy` is `rule:<id>`, `person:<id>`, `agent:<id>` or the system. */
export function decisionOutcome(request: Pick<AccessRequest, 'status' | 'decidedBy'>): DecisionOutcome {
  const maker = request.decidedBy?.split(':')[0] ?? '';
  return {
    outcome: outcomes[request.status],
    by:
      request.status === 'PENDING' ? 'rule' : makers.has(maker) ? (maker as DecisionOutcome['by']) : 'system',
  };
}
