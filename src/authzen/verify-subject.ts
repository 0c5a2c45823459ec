import type { ViewerAuthenticator } from '../identity/authenticator.ts';
import { TokenRefusedError } from '../identity/token-refusal.ts';
import type { AgentViewer, HumanViewer } from '../identity/viewer.ts';
import { ApertureError } from '../shared/errors.ts';
import type { Subject } from './authzen-schemas.ts';

/** The subject a PEP named, as aperture verified it: a person alone, or a person through an agent chain. */
export type VerifiedViewer = HumanViewer | AgentViewer;

export type SubjectVerification = { ok: true; viewer: VerifiedViewer } | { ok: false; message: string };

/**
 * Verifies the subject a PEP names from the token it forwards (`subject.properties.token`): the
 * agent's delegation token (the person, the agent chain, the intent) or the person's own token.
 * The token is checked exactly as at aperture's own API (signature, expiry, revocation, the agents
 * and the person still active); `subject.id` must name the person it names, and an `act` or
 * `intent` the PEP adds must be the token's. A PEP is trusted to enforce, never to say who asks.
 */
export async function verifySubject(
  authenticator: ViewerAuthenticator,
  subject: Subject,
): Promise<SubjectVerification> {
  let viewer: Awaited<ReturnType<ViewerAuthenticator['authenticate']>>;
  try {
    viewer = await authenticator.authenticate(`Bearer ${subject.properties.token}`);
  } catch (error) {
    if (error instanceof TokenRefusedError && error.reason === 'malformed_header') {
      return refused('subject.properties.token is not a token');
    }
    if (error instanceof ApertureError) return refused(`the subject's token is refused: ${error.message}`);
    throw error;
  }
  if (viewer.kind === 'anonymous') return refused("the subject's token names no one");
  const { human } = viewer;
  const id = subject.id.toLowerCase();
  if (id !== human.email.toLowerCase() && subject.id !== human.id) {
    return refused('subject.id is not the person the token names');
  }
  const claimed = subject.properties;
  if (claimed.intent !== undefined && (viewer.kind !== 'agent' || claimed.intent !== viewer.intent)) {
    return refused("subject.properties.intent is not the token's intent");
  }
  if (claimed.act !== undefined && !actMatches(claimed.act, viewer.kind === 'agent' ? viewer : null)) {
    return refused("subject.properties.act is not the token's agent chain");
  }
  return { ok: true, viewer };
}

function refused(message: string): SubjectVerification {
  return { ok: false, message };
}

/**
 * An `act` claim in RFC 8693's nesting (the current actor outermost) naming, by client id, the
 * agents of the chain the token carries, in order.
 */
function actMatches(act: unknown, viewer: AgentViewer | null): boolean {
  if (!viewer) return false;
  const named: string[] = [];
  for (let hop = act; hop !== undefined; hop = (hop as { act?: unknown }).act) {
    if (typeof hop !== 'object' || hop === null || named.length > viewer.chain.length) return false;
    const sub = (hop as { sub?: unknown }).sub;
    if (typeof sub !== 'string') return false;
    named.unshift(sub);
  }
  return (
    named.length === viewer.chain.length &&
    named.every((clientId, hop) => clientId === viewer.chain[hop]!.clientId)
  );
}
