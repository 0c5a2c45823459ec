import type { Channel } from './channel.ts';

/** Who acted: the human and the agent chain acting for them, outermost agent first. */
export interface AuditActor {
  humanId?: string | null;
  agentChain?: string[];
}

export interface AuditEventInput {
  /** Dotted event type, e.g. `catalog.imported`, `token.exchanged`, `grant.revoked`. */
  type: string;
  actor?: AuditActor | undefined;
  intent?: string | null;
  subject?: { kind: string; id: string } | null;
  /** Anything JSON can carry; stored as JSON (undefined dropped, dates as ISO strings). */
  payload?: unknown;
  policyVersion?: number | null | undefined;
  /**
   * The door the event came through; by default the channel of the call being served
   * (`inChannel`). Recorded in the payload as `via`; null or none known: not recorded.
   */
  channel?: Channel | null | undefined;
}
