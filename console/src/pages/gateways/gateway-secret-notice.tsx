import { useEffect, useId, useRef } from 'react';
import { CopyButton } from '../../ui/copy-button.tsx';
import type { IssuedSecret } from './documents.ts';

/**
 * A gateway's client id and the secret just issued, shown this once: aperture keeps only the
 * secret's hash. With how the gateway uses them (HTTP Basic on every AuthZEN call). Hiding it, or
 * leaving the page, forgets the secret for good.
 */
export function GatewaySecretNotice({ secret, onHide }: { secret: IssuedSecret; onHide: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const origin = window.location.origin;
  const example = [
    `curl -s ${origin}/access/v1/evaluation -u '${secret.clientId}:${secret.clientSecret}' \\`,
    `  -H 'content-type: application/json' -d '{`,
    `  "subject": { "type": "user", "id": "person@company.example", "properties": { "token": "<the token the agent presented>" } },`,
    `  "action": { "name": "read" }, "resource": { "type": "dataset", "id": "analytics.finance.payments" } }'`,
  ].join('\n');
  return (
    <section className="panel secret-notice" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {secret.issued === 'registered'
          ? `${secret.name} is registered: its secret`
          : `The new secret of ${secret.name}`}
      </h2>
      <p className="notice notice-warn">
        <strong>Copy it now: aperture keeps only its hash.</strong> Once you hide this or leave the page, the
        secret cannot be shown again; a lost secret is replaced by rotating it.
        {secret.issued === 'rotated' ? ' The old secret no longer works.' : ''}
      </p>
      <dl className="facts secret-facts">
        <dt>Client id</dt>
        <dd>
          <code className="break">{secret.clientId}</code>
        </dd>
        <dt>Client secret</dt>
        <dd>
          <code className="break secret-value">{secret.clientSecret}</code>
          <div className="row">
            <CopyButton value={secret.clientSecret} label="Copy the secret" />
          </div>
        </dd>
      </dl>
      <h3>How the gateway uses them</h3>
      <p className="panel-note">
        The gateway sends them with HTTP Basic on every call to the AuthZEN endpoints, and proves the subject
        it asks about with the token it forwards. For example:
      </p>
      <pre className="json-block">{example}</pre>
      <p className="panel-note muted">
        Every endpoint is listed at <code className="break">{origin}/.well-known/authzen-configuration</code>.
      </p>
      <div className="dialog-actions">
        <button type="button" className="button button-primary" onClick={onHide}>
          I have copied it: hide the secret
        </button>
      </div>
    </section>
  );
}
