import { useSession } from '../../api/session-context.tsx';
import { DecidedRequestsPanel } from '../../ui/decided-requests-panel.tsx';

/** The approver's history: what they approved or denied, for whom, and how it ended. */
export function DecidedByMe() {
  const { person } = useSession();
  return (
    <DecidedRequestsPanel
      filter={{ role: 'DECIDED_BY_ME' }}
      title="Decided by you"
      what="the requests you decided"
      empty="You have not decided any request yet. What you approve or deny is kept here."
      noun="decisions"
      showHuman
      viewer={{ email: person.email, decided: true }}
    />
  );
}
