import { useId, useState } from 'react';
import type { PickerAgent } from './documents.ts';
import type { ChainAgent } from './reasons.ts';

/** An ordered agent chain, outermost first: add agents from the directory, remove any. */
export function ChainPicker({
  agents,
  chain,
  onChange,
}: {
  agents: readonly PickerAgent[];
  chain: readonly ChainAgent[];
  onChange: (chain: ChainAgent[]) => void;
}) {
  const [choice, setChoice] = useState('');
  const id = useId();
  const available = agents.filter((agent) => !chain.some((hop) => hop.clientId === agent.clientId));
  return (
    <fieldset className="chain-picker">
      <legend>Agent chain (outermost first; none: the person alone)</legend>
      {chain.length > 0 ? (
        <ol className="chain-list">
          {chain.map((agent, index) => (
            <li key={agent.clientId}>
              <span>
                {agent.name} <code className="muted">{agent.clientId}</code>
              </span>
              <button
                type="button"
                className="button button-small button-quiet"
                aria-label={`Remove ${agent.name} from the chain`}
                onClick={() => onChange(chain.filter((_, at) => at !== index))}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted chain-empty">The person alone, no agent.</p>
      )}
      <div className="row">
        <label htmlFor={`${id}-agent`} className="visually-hidden">
          Agent to add to the chain
        </label>
        <select id={`${id}-agent`} value={choice} onChange={(event) => setChoice(event.target.value)}>
          <option value="">Choose an agent…</option>
          {available.map((agent) => (
            <option key={agent.clientId} value={agent.clientId}>
              {agent.name} ({agent.clientId})
              {agent.status === 'ACTIVE' ? '' : ` · ${agent.status.toLowerCase()}`}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          disabled={!choice}
          onClick={() => {
            const agent = agents.find((candidate) => candidate.clientId === choice);
            if (agent) onChange([...chain, { clientId: agent.clientId, name: agent.name }]);
            setChoice('');
          }}
        >
          Add to chain
        </button>
      </div>
    </fieldset>
  );
}
