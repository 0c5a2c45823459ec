import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import { revokeStandingConsentMutation } from './consent-queries.ts';

/** "Revoke": the agent's next matching request asks the person again. */
export function RevokeStandingConsent({
  consentId,
  agentName,
  what,
  onRevoked,
}: {
  consentId: string;
  agentName: string;
  what: string;
  onRevoked: (message: string) => void;
}) {
  const revoke = useApiMutation(revokeStandingConsentMutation);
  return (
    <ActionDialog
      label="Revoke"
      title={`Revoke your consent for ${agentName}?`}
      description={`From now on ${agentName} asks you again before it may ${what}. Access it already holds stays until it expires (revoke the grant too if it should lose it now).`}
      confirmLabel="Revoke consent"
      tone="danger"
      onConfirm={async () => {
        await revoke.mutateAsync({ id: consentId });
        onRevoked(`Revoked: ${agentName} asks you again before it may ${what}.`);
      }}
    />
  );
}
