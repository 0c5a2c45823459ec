import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { QueryState } from '../../ui/status.tsx';
import { explainAccessForQuery, simulateAccessQuery } from './documents.ts';
import { ExplainForm, type ExplainInputs } from './explain-form.tsx';
import { Explanation } from './explanation.tsx';
import { SimulatedAccess } from './simulated-access.tsx';

const blank: ExplainInputs = { humanEmail: '', chain: [], intent: null, channel: null, path: '' };

/** Governance: why a person (through an agent chain, under an intent) sees an object as they do, and all they see. */
export function ExplainPage() {
  const [asked, setAsked] = useState<ExplainInputs | null>(null);
  // A new form instance when "Explain" on a row fills in the path.
  const [formKey, setFormKey] = useState(0);
  const common = asked
    ? {
        humanEmail: asked.humanEmail,
        agentClientIds: asked.chain.map((agent) => agent.clientId),
        intent: asked.intent,
        channel: asked.channel,
      }
    : { humanEmail: '', agentClientIds: [], intent: null, channel: null };
  const explanation = useApiQuery(
    explainAccessForQuery,
    { ...common, path: asked?.path ?? '' },
    { enabled: Boolean(asked?.path) },
  );
  const seen = useApiQuery(simulateAccessQuery, common, { enabled: asked !== null });
  const paths = seen.data?.simulateAccess.map((object) => object.path) ?? [];

  return (
    <Page
      title="Explain"
      intro="Pick a person, the agents acting for them and the intent, and an object: see the tier they get and every policy, grant and limit behind it."
    >
      <Panel title="What to explain">
        <ExplainForm key={formKey} initial={asked ?? blank} paths={paths} onSubmit={setAsked} />
      </Panel>
      {asked?.path ? (
        <div id="explain-why" tabIndex={-1} className="scroll-target">
          <Panel title="Why">
            <QueryState query={explanation} what="the explanation">
              {(data) =>
                data.explainAccessFor ? (
                  <Explanation
                    explanation={data.explainAccessFor}
                    humanEmail={asked.humanEmail}
                    chain={asked.chain}
                    intent={asked.intent}
                  />
                ) : (
                  <p className="notice notice-warn">
                    Nothing to explain: <strong>{asked.humanEmail}</strong> may not discover{' '}
                    <code>{asked.path}</code> this way, or no such person or object exists (aperture answers
                    all three alike).
                  </p>
                )
              }
            </QueryState>
          </Panel>
        </div>
      ) : null}
      {asked ? (
        <Panel title="What this person sees">
          <QueryState query={seen} what="what this person sees">
            {(data) => (
              <SimulatedAccess
                objects={data.simulateAccess}
                onExplain={(path) => {
                  setAsked({ ...asked, path });
                  setFormKey(formKey + 1);
                  // The answer shows above the table: take the person (and the focus) there.
                  requestAnimationFrame(() => {
                    const why = document.getElementById('explain-why');
                    why?.scrollIntoView({ block: 'start' });
                    why?.focus({ preventScroll: true });
                  });
                }}
              />
            )}
          </QueryState>
        </Panel>
      ) : null}
    </Page>
  );
}
