import { useApiMutation } from '../../api/use-api.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';
import { revokeGrantMutation } from './my-agents-queries.ts';

/** "Revoke this grant" with the reason the audit log keeps. */
export function RevokeGrant({ grantId, paths }: { grantId: string; paths: readonly string[] }) {
  const revoke = useApiMutation(revokeGrantMutation);
  const what = paths.length === 1 ? paths[0] : `${paths.length} objects`;
  return (
    <ActionDialog
      label="Revoke this grant"
      title={`Revoke access to ${what}?`}
      description="Your agents lose this access at once (and any database login carrying it ends). They may ask again; the request then goes through the rules and approvers as before."
      confirmLabel="Revoke grant"
      tone="danger"
      reason="required"
      onConfirm={(reason) => revoke.mutateAsync({ id: grantId, reason })}
    />
  );
}
