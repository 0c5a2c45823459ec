import type { JsonObject } from '../shared/json.ts';

/** A person as the caller's token resolved them (from the people store, at this call). */
export interface HumanIdentity {
  id: string;
  email: string;
  name: string;
  title: string | null;
  department: string | null;
  region: string | null;
  groups: string[];
  managerEmail: string | null;
  attributes: JsonObject;
}

export interface AgentIdentity {
  id: string;
  clientId: string;
  name: string;
}

/**
 * Who is calling, decided per call from the bearer token and the current state:
 * nobody, a human with their own token (governance, approvers), or an agent chain acting for a
 * human under an intent (a delegation token).
 */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'human'; human: HumanIdentity; issuer: string; expiresAt: Date }
  | {
      kind: 'agent';
      human: HumanIdentity;
      /** From the agent the human delegated to, down to the agent making this call. */
      chain: AgentIdentity[];
      intent: string;
      taskId: string | null;
      tokenId: string;
      expiresAt: Date;
    };

export const anonymousViewer: Viewer = { kind: 'anonymous' };

/** What logs and audit events say about a viewer. */
export function viewerLogContext(viewer: Viewer): Record<string, unknown> {
  if (viewer.kind === 'anonymous') return { viewer: 'anonymous' };
  if (viewer.kind === 'human') return { human: viewer.human.email };
  return {
    human: viewer.human.email,
    chain: viewer.chain.map((agent) => agent.clientId),
    intent: viewer.intent,
    tokenId: viewer.tokenId,
  };
}

export function viewerAuditActor(viewer: Viewer): { humanId?: string; agentChain?: string[] } {
  if (viewer.kind === 'anonymous') return {};
  if (viewer.kind === 'human') return { humanId: viewer.human.id };
  return { humanId: viewer.human.id, agentChain: viewer.chain.map((agent) => agent.id) };
}
