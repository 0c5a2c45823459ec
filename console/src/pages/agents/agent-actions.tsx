import { useState } from 'react';
import { useApiMutation } from '../../api/use-api.ts';
import { graphql } from '../../graphql/graphql.ts';
import { LifecycleActions, type LifecycleWords } from '../../ui/lifecycle-actions.tsx';

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

const agentWords: LifecycleWords = {
  suspend:
    'Its tokens and those of every agent below it stop working at once; its grants and database logins end. Reactivating restores the agent, not the tokens.',
  retire: 'A retired agent can never act again, and its client id is never reused.',
  rotate: "A new secret is issued and shown here once; give it to the agent's operator.",
  secretName: 'the client secret',
};

/** What governance may do to one agent, each behind a confirmation. */
export function AgentActions({ clientId, name, status }: { clientId: string; name: string; status: string }) {
  const suspend = useApiMutation(suspendAgent);
  const reactivate = useApiMutation(reactivateAgent);
  const retire = useApiMutation(retireAgent);
  const rotate = useApiMutation(rotateSecret);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <LifecycleActions
      name={name}
      status={status}
      words={agentWords}
      onSuspend={(reason) => suspend.mutateAsync({ clientId, reason })}
      onReactivate={(reason) => reactivate.mutateAsync({ clientId, reason })}
      onRetire={(reason) => retire.mutateAsync({ clientId, reason })}
      onRotate={async () =>
        setSecret((await rotate.mutateAsync({ clientId })).rotateAgentSecret.clientSecret)
      }
    >
      {secret ? (
        <output className="notice notice-success" aria-live="polite">
          New secret (shown once): <code>{secret}</code>
        </output>
      ) : null}
    </LifecycleActions>
  );
}
