import { useState } from 'react';
import { useApiMutation, useApiQuery } from '../../api/use-api.ts';
import { readFragment } from '../../graphql/graphql.ts';
import { Page, Panel } from '../../ui/page.tsx';
import { QueryState, Success } from '../../ui/status.tsx';
import { Tabs } from '../../ui/tabs.tsx';
import { AccessChanges } from './access-changes.tsx';
import { ConsentSettings } from './consent-settings.tsx';
import {
  type ApplyOutcome,
  applyPoliciesMutation,
  applyResultFields,
  applyRulesMutation,
  currentPoliciesQuery,
  currentRulesQuery,
} from './documents.ts';
import { SetEditor } from './set-editor.tsx';
import { IdChanges } from './set-preview.tsx';

type SetTab = 'policies' | 'rules' | 'consent';
const tabs = [
  { id: 'policies', label: 'Policies' },
  { id: 'rules', label: 'Rules' },
  { id: 'consent', label: 'Consent' },
] as const;

/** Governance: the policy set and the request rules as YAML, previewed (who gains and loses) and applied as new versions. */
export function PoliciesPage() {
  const [tab, setTab] = useState<SetTab>('policies');
  return (
    <Page
      title="Policies and rules"
      intro="Policies decide what each person (and the agents acting for them) may see; rules decide access requests. Each change is a new version: preview it to see what it does, then apply it."
    >
      <Tabs label="Policies and rules" tabs={tabs} selected={tab} onSelect={setTab}>
        {tab === 'policies' ? <PoliciesTab /> : tab === 'rules' ? <RulesTab /> : <ConsentSettings />}
      </Tabs>
    </Page>
  );
}

function PoliciesTab() {
  const current = useApiQuery(currentPoliciesQuery, {});
  const mutation = useApiMutation(applyPoliciesMutation);
  const [applied, setApplied] = useState<ApplyOutcome | null>(null);
  return (
    <div className="stack">
      {applied ? <AppliedNotice outcome={applied} noun="policies" /> : null}
      <QueryState query={current} what="the policies">
        {(data) => (
          <SetEditor
            key={data.policies.version}
            kind={{ noun: 'policies', label: 'Policies (YAML)' }}
            version={data.policies.version}
            items={data.policies.policies}
            apply={async (policies, dryRun) =>
              readFragment(
                applyResultFields,
                (await mutation.mutateAsync({ policies, dryRun })).applyPolicies,
              )
            }
            onApplied={setApplied}
          />
        )}
      </QueryState>
    </div>
  );
}

function RulesTab() {
  const current = useApiQuery(currentRulesQuery, {});
  const mutation = useApiMutation(applyRulesMutation);
  const [applied, setApplied] = useState<ApplyOutcome | null>(null);
  return (
    <div className="stack">
      {applied ? <AppliedNotice outcome={applied} noun="rules" /> : null}
      <QueryState query={current} what="the rules">
        {(data) => (
          <SetEditor
            key={data.rules.version}
            kind={{ noun: 'rules', label: 'Rules (YAML)' }}
            version={data.rules.version}
            items={data.rules.rules}
            apply={async (rules, dryRun) =>
              readFragment(applyResultFields, (await mutation.mutateAsync({ rules, dryRun })).applyRules)
            }
            onApplied={setApplied}
          />
        )}
      </QueryState>
    </div>
  );
}

function AppliedNotice({ outcome, noun }: { outcome: ApplyOutcome; noun: 'policies' | 'rules' }) {
  return (
    <div className="stack">
      <Success>
        {outcome.applied
          ? `Applied: version ${outcome.version} of the ${noun} is in force.`
          : `Nothing to apply: version ${outcome.version} already says this.`}
      </Success>
      {outcome.applied ? (
        <Panel title={`Version ${outcome.version}`}>
          <IdChanges outcome={outcome} noun={noun} />
          {noun === 'policies' ? (
            <AccessChanges
              changes={outcome.accessChanges}
              total={outcome.accessChangeCount}
              people={outcome.peopleAffected}
              applied
            />
          ) : null}
        </Panel>
      ) : null}
    </div>
  );
}
