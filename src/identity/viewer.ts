import { ApertureError } from '../shared/errors.ts';
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

/** A person calling with their own token (governance, approvers). */
export type HumanViewer = Extract<Viewer, { kind: 'human' }>;

/** An agent chain calling with a delegation token, for a human under an intent. */
export type AgentViewer = Extract<Viewer, { kind: 'agent' }>;

export function isHuman(viewer: Viewer): viewer is HumanViewer {
  return viewer.kind === 'human';
}

export function isAgent(viewer: Viewer): viewer is AgentViewer {
  return viewer.kind === 'agent';
}

/** Some acts are a person's own (deciding, revoking): an agent never does them, not even by relaying. */
export function requireHuman(viewer: Viewer, refusal: string): HumanViewer {
  if (!isHuman(viewer)) throw new ApertureError('FORBIDDEN', refusal);
  return viewer;
}

/** Requests are filed by agents; `action` names the act in the refusal a human token gets. */
export function requireAgent(viewer: Viewer, action: string): AgentViewer {
  if (!isAgent(viewer)) {
    throw new ApertureError('FORBIDDEN', `${action} is for agents acting with a delegation token`);
  }
  return viewer;
}

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
