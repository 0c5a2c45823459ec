import { useApiMutation } from '../../api/use-api.ts';
import { LifecycleActions, type LifecycleWords } from '../../ui/lifecycle-actions.tsx';
import {
  type IssuedSecret,
  type PepClientNode,
  reactivatePepClientMutation,
  retirePepClientMutation,
  rotatePepClientSecretMutation,
  suspendPepClientMutation,
} from './documents.ts';

const gatewayWords: LifecycleWords = {
  suspend:
    'Its calls to the AuthZEN endpoints are refused (401) at once, until it is reactivated. Its secret stays the same.',
  reactivate: 'Its calls are served again at once, with the secret it already has.',
  retire:
    'Retiring is final: its calls are refused from now on, and it can never be reactivated or given a new secret. A replacement is registered as a new gateway, under another name.',
  rotate:
    "The old secret stops working at once: the gateway's calls are refused until its operator puts in the new one. The new secret is shown here once.",
  secretName: 'the secret',
};

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
  return (
    <LifecycleActions
      name={name}
      status={status}
      words={gatewayWords}
      onSuspend={(reason) => suspend.mutateAsync({ clientId, reason })}
      onReactivate={(reason) => reactivate.mutateAsync({ clientId, reason })}
      onRetire={(reason) => retire.mutateAsync({ clientId, reason })}
      onRotate={async () => {
        const rotated = (await rotate.mutateAsync({ clientId })).rotatePepClientSecret;
        onSecret({ issued: 'rotated', ...rotated.pepClient, clientSecret: rotated.clientSecret });
      }}
    />
  );
}
