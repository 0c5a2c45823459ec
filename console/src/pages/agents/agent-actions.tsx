import { useState } from 'react';
import { useApiMutation } from '../../api/use-api.ts';
import { graphql } from '../../graphql/graphql.ts';
import { ActionDialog } from '../../ui/action-dialog.tsx';

const suspendAgent = graphql(`
  mutation ConsoleSuspendAgent($clientId: String!, $reason: String) {
    suspendAgent(clientId: $clientId, reason: $reason) { clientId status }
  }
`);
const reactivateAgent = graphql(`
  mutation ConsoleReactivateAgent($clientId: String!, $reason: String) {
    reactivateAgent(clientId: $clientId, reason: $reason) { clientId status }
  }
`);
const retireAgent = graphql(`
  mutation ConsoleRetireAgent($clientId: String!, $reason: String) {
    retireAgent(clientId: $clientId, reason: $reason) { clientId status }
  }
`);
const rotateSecret = graphql(`
  mutation ConsoleRotateAgentSecret($clientId: String!) {
    rotateAgentSecret(clientId: $clientId) { clientSecret agent { clientId } }
  }
`);

/** What governance may do to one agent, each behind a confirmation. */
export function AgentActions({ clientId, name, status }: { clientId: string; name: string; status: string }) {
  const suspend = useApiMutation(suspendAgent);
  const reactivate = useApiMutation(reactivateAgent);
  const retire = useApiMutation(retireAgent);
  const rotate = useApiMutation(rotateSecret);
  const [secret, setSecret] = useState<string | null>(null);
  if (status === 'RETIRED') return <span className="muted">retired for good</span>;
  return (
    <div className="row">
      {status === 'ACTIVE' ? (
        <ActionDialog
          label="Suspend"
          title={`Suspend ${name}?`}
          description="Its tokens and those of every agent below it stop working at once; its grants and database logins end. Reactivating restores the agent, not the tokens."
          confirmLabel="Suspend"
          tone="danger"
          reason="optional"
          onConfirm={(reason) => suspend.mutateAsync({ clientId, reason: reason || null })}
        />
      ) : (
        <ActionDialog
          label="Reactivate"
          title={`Reactivate ${name}?`}
          confirmLabel="Reactivate"
          reason="optional"
          onConfirm={(reason) => reactivate.mutateAsync({ clientId, reason: reason || null })}
        />
      )}
      <ActionDialog
        label="Retire"
        title={`Retire ${name} for good?`}
        description="A retired agent can never act again, and its client id is never reused."
        confirmLabel="Retire"
        tone="danger"
        reason="optional"
        onConfirm={(reason) => retire.mutateAsync({ clientId, reason: reason || null })}
      />
      <ActionDialog
        label="Rotate secret"
        title={`Rotate the client secret of ${name}?`}
        description="A new secret is issued and shown here once; give it to the agent's operator."
        confirmLabel="Rotate"
        onConfirm={async () =>
          setSecret((await rotate.mutateAsync({ clientId })).rotateAgentSecret.clientSecret)
        }
      />
      {secret ? (
        <output className="notice notice-success" aria-live="polite">
          New secret (shown once): <code>{secret}</code>
        </output>
      ) : null}
    </div>
  );
}
