import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { ErrorNotice } from './status.tsx';

/**
 * A button that opens a modal asking to confirm an act, with a reason when the act needs one
 * (deny, revoke, suspend...). The native <dialog> keeps keyboard focus inside and closes on Escape.
 * The act runs only on submit; its refusal shows in the dialog, and nothing closes until it succeeds.
 * Each opening starts with an empty reason: one act's reason (or a cancelled one) is never sent with
 * the next, even when React reuses the dialog for another act (suspend, then reactivate).
 */
export function ActionDialog({
  label,
  title,
  description,
  confirmLabel,
  reason,
  tone = 'default',
  onConfirm,
  children,
}: {
  /** The button that opens it. */
  label: string;
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  /** Ask for a reason: required or optional. */
  reason?: 'required' | 'optional';
  tone?: 'default' | 'danger';
  onConfirm: (reason: string) => Promise<unknown>;
  /** Extra fields of the form (e.g. a duration). */
  children?: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    const element = dialog.current;
    return () => element?.close();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await onConfirm(String(form.get('reason') ?? '').trim());
      dialog.current?.close();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={tone === 'danger' ? 'button button-danger' : 'button'}
        onClick={() => {
          setError(null);
          if (reasonField.current) reasonField.current.value = '';
          dialog.current?.showModal();
        }}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`} className="dialog">
        <form onSubmit={submit}>
          <h2 id={`${id}-title`}>{title}</h2>
          {description ? <div className="dialog-description">{description}</div> : null}
          {children}
          {reason ? (
            <label className="field">
              <span>Reason{reason === 'optional' ? ' (optional)' : ''}</span>
              <textarea
                ref={reasonField}
                name="reason"
                rows={3}
                required={reason === 'required'}
                maxLength={1000}
              />
            </label>
          ) : null}
          {error ? <ErrorNotice error={error} /> : null}
          <div className="dialog-actions">
            <button type="button" className="button button-quiet" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button
              type="submit"
              className={tone === 'danger' ? 'button button-danger' : 'button button-primary'}
              disabled={busy}
            >
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
