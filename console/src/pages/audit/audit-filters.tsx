import { type FormEvent, useId, useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { type AuditFilterForm, emptyAuditFilterForm, knownEventTypes } from './audit-filter.ts';
import { auditPickersQuery } from './documents.ts';

/** The audit filters: a person (email or id), an agent, an intent, an event type and a time range. Applied on submit. */
export function AuditFilters({
  applied,
  onApply,
  seenTypes,
}: {
  applied: AuditFilterForm;
  onApply: (form: AuditFilterForm) => void;
  /** Types on the page shown, offered along with the known ones. */
  seenTypes: readonly string[];
}) {
  const [form, setForm] = useState(applied);
  // Open on wide screens; on a phone the events come first and the filters open on demand.
  const [openAtFirst] = useState(() => !window.matchMedia('(max-width: 760px)').matches);
  const pickers = useApiQuery(auditPickersQuery, {});
  const id = useId();
  const set = (field: keyof AuditFilterForm) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));
  const types = [...new Set([...knownEventTypes, ...seenTypes])].sort();

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(form);
  }

  const active = Object.values(applied).filter((value) => value.trim() !== '').length;
  return (
    <details className="filter-details" open={openAtFirst}>
      <summary>Filters{active > 0 ? ` (${active} set)` : ''}</summary>
      <form className="filters audit-filters" onSubmit={submit} aria-label="Filter the audit events">
        <label className="field">
          <span>Person</span>
          <input
            type="text"
            value={form.person}
            onChange={set('person')}
            placeholder="email or id"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span>Agent</span>
          <select value={form.agent} onChange={set('agent')}>
            <option value="">Any agent</option>
            {(pickers.data?.agents.edges ?? []).map(({ node }) => (
              <option key={node.clientId} value={node.clientId}>
                {node.name} ({node.clientId})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Intent</span>
          <select value={form.intent} onChange={set('intent')}>
            <option value="">Any intent</option>
            {(pickers.data?.intents ?? []).map((intent) => (
              <option key={intent.name} value={intent.name}>
                {intent.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Event type</span>
          <input
            type="text"
            list={`${id}-types`}
            value={form.type}
            onChange={set('type')}
            placeholder="e.g. grant.created"
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id={`${id}-types`}>
            {types.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>From</span>
          <input type="datetime-local" value={form.from} onChange={set('from')} />
        </label>
        <label className="field">
          <span>Until</span>
          <input type="datetime-local" value={form.to} onChange={set('to')} />
        </label>
        <div className="row filter-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setForm(emptyAuditFilterForm);
              onApply(emptyAuditFilterForm);
            }}
          >
            Clear filters
          </button>
        </div>
      </form>
    </details>
  );
}
