import { agentIdentitiesOf } from '../../identity/state/identity-state.ts';
import type { Viewer } from '../../identity/viewer.ts';
import { type ListedConsent, standingConsentBlocks } from '../messages/standing-consent-blocks.ts';
import type { SlackDeps } from '../slack-deps.ts';

/** The message listing a person's standing consents in force, with their agents' names. */
export async function standingConsentsMessage(deps: SlackDeps, viewer: Viewer, note?: string) {
  const consents = await deps.requests.standingConsents(viewer);
  const snapshot = await deps.identity.snapshot();
  const listed: ListedConsent[] = consents.map((consent) => ({
    consent,
    chainNames: agentIdentitiesOf(snapshot, consent.chain).map((agent) => agent.name),
  }));
  return standingConsentBlocks(listed, note);
}
