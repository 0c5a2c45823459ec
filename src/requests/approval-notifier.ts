import type { JobToSchedule } from '../jobs/job-queue.ts';
import type { Logger } from '../logging/logger.ts';

/** What approvers and the requesting human are told about (Slack implements this port). */
export type ApprovalEventKind =
  | 'routed'
  | 'progress'
  | 'escalated'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'cancelled'
  | 'grant-revoked'
  | 'grant-expired'
  /** The person it is made for is asked to confirm it (a DM with their four answers). */
  | 'consent-asked'
  /** They confirmed it (their prompt is updated; approvers asked after them are asked now). */
  | 'consent-given'
  /** They answered "not me": the request is denied and governance is told (a security event). */
  | 'not-me';

export interface ApprovalEvent {
  kind: ApprovalEventKind;
  requestId: string;
}

/**
 * Delivers approval events. Called from a durable job, so a failure is retried: implementations
 * must be idempotent per (event, request) and throw to ask for a retry.
 */
export interface ApprovalNotifier {
  readonly configured: boolean;
  notify(event: ApprovalEvent): Promise<void>;
}

/** Without a notification channel: routed requests wait in the API (and expire) with a warning in the log. */
export class LogOnlyNotifier implements ApprovalNotifier {
  readonly configured = false;

  constructor(private readonly logger: Logger) {}

  async notify(event: ApprovalEvent): Promise<void> {
    if (event.kind === 'routed' || event.kind === 'escalated') {
      this.logger.warn(
        { requestId: event.requestId, event: event.kind },
        'a routed access request has nowhere to go: no approval channel (Slack) is configured; approvers can decide through the API',
      );
    } else if (event.kind === 'not-me') {
      this.logger.warn(
        { requestId: event.requestId, event: event.kind },
        'security event: the person an access request was made for answered "not me"; it is denied (see the security.not-me audit event)',
      );
    } else if (event.kind === 'consent-asked') {
      this.logger.info(
        { requestId: event.requestId, event: event.kind },
        'an access request waits for the confirmation of the person it is for (the console, or the API): no Slack is configured to ask them',
      );
    } else {
      this.logger.info({ requestId: event.requestId, event: event.kind }, 'access request event');
    }
  }
}

/** The kind of the durable jobs that carry approval notices (Slack's outbox when it is configured). */
export const approvalNoticeJobKind = 'approvals.notify';

/** The durable job that tells the approval channel about an event (retried until delivered). */
export function approvalNoticeJob(kind: ApprovalEventKind, requestId: string): JobToSchedule {
  // Backoff tops out at 15 minutes: 100 attempts ride out a Slack outage of about a day.
  return { kind: approvalNoticeJobKind, payload: { kind, requestId }, runAt: new Date(), maxAttempts: 100 };
}
