import type { ReactNode } from 'react';
import { ActionDialog } from './action-dialog.tsx';

/** What each act does to this kind of client, in the words its confirmation shows. */
export interface LifecycleWords {
  suspend: string;
  reactivate?: string;
  retire: string;
  rotate: string;
  /** "the secret", "the client secret"... */
  secretName: string;
}

/**
 * The acts on a client that holds a secret (an agent, a gateway), each behind a confirmation: the
 * buttons follow its status (suspend or reactivate, retire, rotate the secret); a retired one offers
 * none. The caller runs each act; `children` shows what an act gave back (a new secret).
 */
export function LifecycleActions({
  name,
  status,
  words,
  onSuspend,
  onReactivate,
  onRetire,
  onRotate,
  children,
}: {
  name: string;
  status: string;
  words: LifecycleWords;
  onSuspend: (reason: string | null) => Promise<unknown>;
  onReactivate: (reason: string | null) => Promise<unknown>;
  onRetire: (reason: string | null) => Promise<unknown>;
  onRotate: () => Promise<unknown>;
  children?: ReactNode;
}) {
  if (status === 'RETIRED') return <span className="muted">retired for good</span>;
  return (
    <div className="row">
      {status === 'ACTIVE' ? (
        <ActionDialog
          label="Suspend"
          title={`Suspend ${name}?`}
          description={words.suspend}
          confirmLabel="Suspend"
          tone="danger"
          reason="optional"
          onConfirm={(reason) => onSuspend(reason || null)}
        />
      ) : (
        <ActionDialog
          label="Reactivate"
          title={`Reactivate ${name}?`}
          {...(words.reactivate ? { description: words.reactivate } : {})}
          confirmLabel="Reactivate"
          reason="optional"
          onConfirm={(reason) => onReactivate(reason || null)}
        />
      )}
      <ActionDialog
        label="Retire"
        title={`Retire ${name} for good?`}
        description={words.retire}
        confirmLabel="Retire"
        tone="danger"
        reason="optional"
        onConfirm={(reason) => onRetire(reason || null)}
      />
      <ActionDialog
        label="Rotate secret"
        title={`Rotate ${words.secretName} of ${name}?`}
        description={words.rotate}
        confirmLabel="Rotate"
        onConfirm={onRotate}
      />
      {children}
    </div>
  );
}
