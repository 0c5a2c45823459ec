import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Badge, Chain } from '../../ui/badges.tsx';
import { Panel } from '../../ui/page.tsx';
import { PathList } from '../../ui/paths.tsx';
import { Empty, QueryState, Success } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { requestedWhat } from './consent-answer.ts';
import { myStandingConsentsQuery } from './consent-queries.ts';
import { RevokeStandingConsent } from './revoke-standing-consent.tsx';

/**
 * The person's standing consents ("Allow for this task", "Always for this agent"): their own data,
 * each with when it last stood in for them, and revocable. They never widen what the person may
 * see; they only spare them the question.
 */
export function StandingConsents() {
  const consents = useApiQuery(myStandingConsentsQuery, {}, { refetchIntervalMs: 30_000 });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Panel title="Standing consents">
      {notice ? <Success>{notice}</Success> : null}
      <QueryState query={consents} what="your standing consents">
        {(data) =>
          data.myStandingConsents.length === 0 ? (
            <Empty>
              You have no standing consent. When a rule asks you to confirm what an agent asks in your name,
              "Allow for this task" and "Always for this agent" spare you the next identical question; they
              show here, and you can revoke them.
            </Empty>
          ) : (
            <div className="table-wrap">
              <table className="compact-table">
                <caption className="visually-hidden">Standing consents</caption>
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Covers</th>
                    <th scope="col">Objects</th>
                    <th scope="col">Given</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Uses</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.myStandingConsents.map((consent) => {
                    const agentName = consent.agents.at(-1)?.name ?? 'your agent';
                    return (
                      <tr key={consent.id}>
                        <td data-label="Agent">
                          <Chain agents={consent.agents} />
                        </td>
                        <td data-label="Covers">
                          {consent.scope === 'TASK' ? (
                            <>
                              task <code>{consent.taskId}</code>
                            </>
                          ) : (
                            'this agent'
                          )}
                          <div className="muted">{consent.intent}</div>
                        </td>
                        <td data-label="Objects">
                          <Badge value={consent.tier} /> <PathList paths={consent.paths} />
                        </td>
                        <td data-label="Given">
                          <Time value={consent.createdAt} />
                        </td>
                        <td data-label="Expires">
                          <Time value={consent.expiresAt} />
                        </td>
                        <td data-label="Last used">
                          {consent.lastUsedAt ? <Time value={consent.lastUsedAt} /> : 'never'}
                        </td>
                        <td data-label="Uses" className="numeric">
                          {consent.uses}
                        </td>
                        <td data-label="">
                          <RevokeStandingConsent
                            consentId={consent.id}
                            agentName={agentName}
                            what={requestedWhat(consent.tier, consent.paths)}
                            onRevoked={setNotice}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </Panel>
  );
}
