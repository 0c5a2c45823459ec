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
}
