import { type FormEvent, useId } from 'react';
import { useApiMutation } from '../../api/use-api.ts';
import { ErrorNotice } from '../../ui/status.tsx';
import { type IssuedSecret, registerPepClientMutation } from './documents.ts';

/** Registers a gateway by name (and what it is, optionally); its client id and secret go to the page to show once. */
export function RegisterGatewayForm({ onRegistered }: { onRegistered: (secret: IssuedSecret) => void }) {
  const register = useApiMutation(registerPepClientMutation);
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const description = String(fields.get('description') ?? '').trim();
    // A refusal stays in `register.error`, shown below the fields.
    register.mutate(
      { input: { name: String(fields.get('name') ?? '').trim(), description: description || null } },
      {
        onSuccess: ({ registerPepClient: { pepClient, clientSecret } }) => {
          form.reset();
          onRegistered({ issued: 'registered', ...pepClient, clientSecret });
        },
      },
    );
  }

  return (
    <form onSubmit={submit} aria-label="Register a gateway">
      <div className="field">
        <span>
          <label htmlFor={`${id}-name`}>Name</label>
        </span>
        <input
          id={`${id}-name`}
          name="name"
          type="text"
          required
          minLength={2}
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
          placeholder="sql-gateway"
          aria-describedby={`${id}-name-hint`}
        />
        <div id={`${id}-name-hint`} className="field-hint">
          How it shows in this list and in the audit log: letters, digits, spaces and _ . : - (2 to 100).
        </div>
      </div>
      <label className="field">
        <span>Description (optional)</span>
        <textarea name="description" rows={2} maxLength={2000} placeholder="What it guards, who runs it" />
      </label>
      {register.error ? <ErrorNotice error={register.error} title="Not registered" /> : null}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={register.isPending}>
          {register.isPending ? 'Registering…' : 'Register gateway'}
        </button>
      </div>
    </form>
  );
}
