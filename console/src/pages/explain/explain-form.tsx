import { type FormEvent, useId, useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { ChainPicker } from './chain-picker.tsx';
import { type Channel, channels, explainPickersQuery } from './documents.ts';
import type { ChainAgent } from './reasons.ts';

/** What to explain: a person, an agent chain, an intent, a channel, and (optionally) one path. */
export interface ExplainInputs {
  humanEmail: string;
  chain: ChainAgent[];
  intent: string | null;
  channel: Channel | null;
  path: string;
}

export function ExplainForm({
  initial,
  paths,
  onSubmit,
}: {
  initial: ExplainInputs;
  /** Paths the person sees (from the last simulation), offered for the path field. */
  paths: readonly string[];
  onSubmit: (inputs: ExplainInputs) => void;
}) {
  const pickers = useApiQuery(explainPickersQuery, {});
  const [inputs, setInputs] = useState(initial);
  const id = useId();
  const agents = (pickers.data?.agents.edges ?? []).map(({ node }) => node);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({ ...inputs, humanEmail: inputs.humanEmail.trim(), path: inputs.path.trim() });
  }

  return (
    <form className="explain-form" onSubmit={submit} aria-label="What to explain">
      <div className="explain-fields">
        <label className="field">
          <span>Person (email)</span>
          <input
            type="email"
            required
            value={inputs.humanEmail}
            onChange={(event) => setInputs({ ...inputs, humanEmail: event.target.value })}
            placeholder="name@company.example"
            autoComplete="off"
          />
        </label>
        <label className="field">
          <span>Intent</span>
          <select
            value={inputs.intent ?? ''}
            onChange={(event) => setInputs({ ...inputs, intent: event.target.value || null })}
          >
            <option value="">No intent</option>
            {(pickers.data?.intents ?? []).map((intent) => (
              <option key={intent.name} value={intent.name}>
                {intent.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Channel</span>
          <select
            value={inputs.channel ?? ''}
            onChange={(event) =>
              setInputs({ ...inputs, channel: (event.target.value || null) as Channel | null })
            }
          >
            <option value="">No channel</option>
            {channels.map((channel) => (
              <option key={channel} value={channel}>
                {channel}
              </option>
            ))}
          </select>
        </label>
        <label className="field explain-path">
          <span>Path</span>
          <input
            type="text"
            list={`${id}-paths`}
            value={inputs.path}
            onChange={(event) => setInputs({ ...inputs, path: event.target.value })}
            placeholder="analytics.sales.orders, a column, a metric or a glossary term"
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id={`${id}-paths`}>
            {paths.slice(0, 500).map((path) => (
              <option key={path} value={path} />
            ))}
          </datalist>
        </label>
      </div>
      <ChainPicker
        agents={agents}
        chain={inputs.chain}
        onChange={(chain) => setInputs({ ...inputs, chain })}
      />
      <div className="row">
        <button type="submit" className="button button-primary">
          Explain
        </button>
        <span className="field-hint">Without a path, only what the person sees is shown.</span>
      </div>
    </form>
  );
}
