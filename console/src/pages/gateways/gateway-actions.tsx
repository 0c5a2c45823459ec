import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import {
  type IssuedSecret,
  type PepClientNode,
  reactivatePepClientMutation,
  retirePepClientMutation,
  rotatePepClientSecretMutation,
  suspendPepClientMutation,
} from './documents.ts';

/**
 * What governance may do to one gateway, each behind a confirmation: the buttons follow its status
 * (suspend or reactivate, retire, rotate its secret), and a retired gateway offers none.
 */
export function GatewayActions({
  gateway,
  onSecret,
}: {
  gateway: Pick<PepClientNode, 'clientId' | 'name' | 'status'>;
  /** A rotation's new secret, for the page to show once. */
  onSecret: (secret: IssuedSecret) => void;
}) {
  const suspend = useApiMutation(suspendPepClientMutation);
  const reactivate = useApiMutation(reactivatePepClientMutation);
  const retire = useApiMutation(retirePepClientMutation);
  const rotate = useApiMutation(rotatePepClientSecretMutation);
  const { clientId, name, status } = gateway;
  if (status === 'RETIRED') return <span className="muted">retired for good</span>;
  return (
    <div className="row">
      {status === 'ACTIVE' ? (
        <ActionDialog
          label="Suspend"
          title={`Suspend ${name}?`}
          description="Its calls to the AuthZEN endpoints are refused (401) at once, until it is reactivated. Its secret stays the same."
          confirmLabel="Suspend"
          tone="danger"
          reason="optional"
          onConfirm={(reason) => suspend.mutateAsync({ clientId, reason: reason || null })}
        />
      ) : (
        <ActionDialog
          label="Reactivate"
          title={`Reactivate ${name}?`}
          description="Its calls are served again at once, with the secret it already has."
          confirmLabel="Reactivate"
          reason="optional"
          onConfirm={(reason) => reactivate.mutateAsync({ clientId, reason: reason || null })}
        />
      )}
      <ActionDialog
        label="Retire"
        title={`Retire ${name} for good?`}
        description="Retiring is final: its calls are refused from now on, and it can never be reactivated or given a new secret. A replacement is registered as a new gateway, under another name."
        confirmLabel="Retire"
        tone="danger"
        reason="optional"
        onConfirm={(reason) => retire.mutateAsync({ clientId, reason: reason || null })}
      />
      <ActionDialog
        label="Rotate secret"
        title={`Rotate the secret of ${name}?`}
        description="The old secret stops working at once: the gateway's calls are refused until its operator puts in the new one. The new secret is shown here once."
        confirmLabel="Rotate"
        onConfirm={async () => {
          const rotated = (await rotate.mutateAsync({ clientId })).rotatePepClientSecret;
          onSecret({ issued: 'rotated', ...rotated.pepClient, clientSecret: rotated.clientSecret });
        }}
      />
    </div>
  );
}
