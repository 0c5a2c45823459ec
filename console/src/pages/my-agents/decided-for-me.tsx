import { DecidedRequestsPanel } from '../../ui/decided-requests-panel.tsx';

/** The requests agents made for me that are decided: the outcome, who decided, when. */
export function DecidedForMe() {
  return (
    <DecidedRequestsPanel
      filter={{ role: 'REQUESTED_FOR_ME', statuses: ['APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED'] }}
      title="Decided requests made for you"
      what="your decided requests"
      empty="No request made for you has been decided yet. When an agent acting for you asks for more access, the outcome shows here: approved or denied, by a rule or by whom, and when."
      noun="requests"
    />
  );
}
