import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import { revokeDelegationMutation } from './my-agents-queries.ts';

/** "Revoke this delegation": the token and every token derived from it stop at once. */
export function RevokeDelegation({
  tokenId,
  agentName,
  subDelegations,
  onRevoked,
}: {
  tokenId: string;
  agentName: string;
  subDelegations: number;
  onRevoked: (message: string) => void;
}) {
  const revoke = useApiMutation(revokeDelegationMutation);
  return (
    <ActionDialog
      label="Revoke this delegation"
      title={`Stop ${agentName} acting for you?`}
      description={
        <>
          <p>
            The token you gave {agentName} stops working at once, and so does every token derived from it
            {subDelegations > 0
              ? ` (${subDelegations} sub-agent${subDelegations === 1 ? '' : 's'} acting now)`
              : ''}
            . Its next call to aperture is refused.
          </p>
          <p>
            The requests it filed that still wait for approvers are withdrawn. The grants it holds stay until
            they expire; revoke them here too if it should lose them now. To work for you again, the agent
            needs a new token from you.
          </p>
        </>
      }
      confirmLabel="Revoke delegation"
      tone="danger"
      reason="optional"
      onConfirm={async (reason) => {
        const revoked = await revoke.mutateAsync({ tokenId, reason: reason || null });
        const derived = revoked.revokeDelegationToken.length - 1;
        onRevoked(
          `${agentName} no longer acts for you${derived > 0 ? `: ${derived} derived token${derived === 1 ? '' : 's'} stopped with it` : ''}.`,
        );
      }}
    />
  );
}
