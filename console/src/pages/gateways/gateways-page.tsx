import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { Empty, QueryState } from '../../ui/status.tsx';
import { type IssuedSecret, pepClientsQuery } from './documents.ts';
import { GatewaySecretNotice } from './gateway-secret-notice.tsx';
import { GatewaysTable } from './gateways-table.tsx';
import { RegisterGatewayForm } from './register-gateway-form.tsx';

const registerFormId = 'register-gateway';

/**
 * Governance: the gateways (AuthZEN PEP clients) allowed to ask aperture for decisions; register
 * one, rotate its secret, suspend, reactivate or retire it. A secret just issued lives in this
 * page's state only: hidden, or the page left, it is gone.
 */
export function GatewaysPage() {
  const gateways = useApiQuery(pepClientsQuery, {});
  const [secret, setSecret] = useState<IssuedSecret | null>(null);
  return (
    <Page
      title="Gateways"
      intro="The policy enforcement points (API gateways, MCP proxies, data platforms) that ask aperture whether a person's agent may discover or read an object, over AuthZEN at /access/v1/, and enforce the answer. Each calls with its client id and secret; the people and agents it asks about are proven by the tokens it forwards, never taken on its word."
    >
      {/* Outside the list's state: a refetch that fails must not take the secret away before it is copied. */}
      {secret ? (
        <GatewaySecretNotice key={secret.clientSecret} secret={secret} onHide={() => setSecret(null)} />
      ) : null}
      <QueryState query={gateways} what="gateways">
        {(data) => (
          <>
            <Panel title={countOf(data.pepClients.length)}>
              {data.pepClients.length === 0 ? (
                <Empty>
                  No gateway is registered yet. A gateway is the piece in front of your data (an API gateway,
                  an MCP proxy, a data platform) that asks aperture, at <code>/access/v1/evaluation</code>,
                  whether a person's agent may discover or read an object, and enforces the answer.{' '}
                  <a href={`#${registerFormId}`}>Register one below</a> to give it a client id and a secret.
                </Empty>
              ) : (
                <GatewaysTable gateways={data.pepClients} onSecret={setSecret} />
              )}
            </Panel>
            <div id={registerFormId}>
              <Panel title="Register a gateway">
                <RegisterGatewayForm onRegistered={setSecret} />
              </Panel>
            </div>
          </>
        )}
      </QueryState>
    </Page>
  );
}

function countOf(count: number): string {
  return count === 1 ? '1 gateway' : `${count} gateways`;
}
