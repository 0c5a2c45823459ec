import { type ReactNode, useId, useState } from 'react';
import { useApiMutation, useApiQuery } from '../../api/use-api.ts';
import type { ResultOf, VariablesOf } from '../../graphql/graphql.ts';
import { Panel } from '../../ui/page.tsx';
import { ErrorNotice, QueryState } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { consentSettingsQuery, updateConsentSettingsMutation } from './consent-settings-queries.ts';

type SettingsChange = VariablesOf<typeof updateConsentSettingsMutation>['input'];
type Toggles = { subAgentRequests: boolean; notMeRevokesDelegation: boolean };

/**
 * Governance's consent settings, beside the rules they add to: whether every request made through
 * a sub-agent asks the person first (whatever the rules say), and whether a "not me" answer takes
 * the delegation back at once. Each toggle saves on its own, audited.
 */
export function ConsentSettings() {
  const settings = useApiQuery(consentSettingsQuery, {});
  return (
    <Panel title="Consent">
      <p className="muted panel-note">
        Rules ask the person a request is made for to confirm it with a <code>{'{ requester: true }'}</code>{' '}
        step. These settings apply to every request, whatever the rules say.
      </p>
      <QueryState query={settings} what="the consent settings">
        {(data) => (
          // Saved settings come back with a new updatedAt: the form starts again from what the server holds.
          <SettingsForm key={data.consentSettings.updatedAt ?? 'defaults'} saved={data.consentSettings} />
        )}
      </QueryState>
    </Panel>
  );
}

type SavedSettings = ResultOf<typeof consentSettingsQuery>['consentSettings'];

/** The toggles move at once (a switch that lags the click looks broken); a refusal puts them back. */
function SettingsForm({ saved }: { saved: SavedSettings }) {
  const update = useApiMutation(updateConsentSettingsMutation);
  const [shown, setShown] = useState<Toggles>({
    subAgentRequests: saved.subAgentRequests,
    notMeRevokesDelegation: saved.notMeRevokesDelegation,
  });
  const change = (input: Partial<Toggles> & SettingsChange) => {
    const before = shown;
    setShown({ ...shown, ...input });
    update.mutate({ input }, { onError: () => setShown(before) });
  };
  return (
    <div className="stack">
      <SettingToggle
        checked={shown.subAgentRequests}
        disabled={update.isPending}
        onChange={(subAgentRequests) => change({ subAgentRequests })}
        label="Ask the person for every request made through a sub-agent"
        hint="A request whose chain has two agents or more waits for the person's confirmation, as if a rule asked for it."
      />
      <SettingToggle
        checked={shown.notMeRevokesDelegation}
        disabled={update.isPending}
        onChange={(notMeRevokesDelegation) => change({ notMeRevokesDelegation })}
        label="“Not me” revokes the delegation at once"
        hint="When a person answers “not me”, the token they gave the agent (and every token derived from it) stops working, besides the request being denied and you being alerted."
      />
      {saved.updatedAt ? (
        <p className="muted">
          Last changed <Time value={saved.updatedAt} />
          {saved.updatedBy ? ` by ${saved.updatedBy}` : ''}.
        </p>
      ) : (
        <p className="muted">Never changed: these are aperture's defaults.</p>
      )}
      {update.error ? <ErrorNotice error={update.error} title="The setting was not changed" /> : null}
    </div>
  );
}

function SettingToggle({
  checked,
  disabled,
  onChange,
  label,
  hint,
}: {
  checked: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
  label: ReactNode;
  hint: string;
}) {
  const id = useId();
  return (
    <div className="setting-toggle">
      <label className="row">
        <input
          type="checkbox"
          role="switch"
          checked={checked}
          aria-checked={checked}
          disabled={disabled}
          aria-describedby={`${id}-hint`}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span>{label}</span>
      </label>
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
    </div>
  );
}
