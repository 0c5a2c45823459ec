import { useApiQuery } from '../../api/use-api.ts';
import { Badge } from '../../ui/badges.tsx';
import { formatCount } from '../../ui/format.ts';
import { QueryState } from '../../ui/status.tsx';
import { Time } from '../../ui/time.tsx';
import { auditLogStatusQuery } from './documents.ts';

/** The log's integrity, prominently: whether verification passes, the latest signed checkpoint, and each witness. */
export function LogStatus() {
  const status = useApiQuery(auditLogStatusQuery, {}, { refetchIntervalMs: 60_000 });
  return (
    <QueryState query={status} what="the audit log's status">
      {({ auditLogStatus: log }) => {
        const { verification, latestCheckpoint: checkpoint } = log;
        return (
          <section
            className={`log-status ${verification.ok ? 'log-status-ok' : 'log-status-bad'}`}
            aria-labelledby="log-status-title"
          >
            <div className="log-status-verdict">
              <h2 id="log-status-title">
                {verification.ok ? 'The audit log verifies' : 'The audit log does not verify'}
              </h2>
              <p>
                {verification.ok
                  ? `${formatCount(verification.checkedSize)} events recomputed into the tree match the signed checkpoints.`
                  : 'Recomputing the stored events found problems: the log may have been changed.'}{' '}
                <span className="muted">
                  Checked <Time value={verification.verifiedAt} />.
                </span>
              </p>
              {verification.problems.length > 0 ? (
                <ul className="problems-list">
                  {verification.problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              ) : null}
            </div>
            <dl className="facts log-facts">
              <dt>Events in the log</dt>
              <dd>{formatCount(log.size)}</dd>
              <dt>Latest checkpoint</dt>
              <dd>
                {checkpoint ? (
                  <>
                    {formatCount(checkpoint.size)} events, signed <Time value={checkpoint.signedAt} />
                  </>
                ) : (
                  'none yet'
                )}
              </dd>
              {checkpoint ? (
                <>
                  <dt>Root hash</dt>
                  <dd>
                    <code className="break">{checkpoint.rootHash}</code>
                  </dd>
                  <dt>Verifier key</dt>
                  <dd>
                    <code className="break">{checkpoint.verifierKey}</code>
                  </dd>
                </>
              ) : null}
              <dt>Witnesses</dt>
              <dd>
                {log.witnesses.length === 0 ? (
                  <span className="muted">none configured: checkpoints stay in the database only</span>
                ) : (
                  <ul className="plain-list">
                    {log.witnesses.map((witness) => (
                      <li key={witness.name}>
                        <Badge value={witness.ok ? 'OK' : 'FAILED'} />{' '}
                        <code className="break">{witness.name}</code>{' '}
                        <span className="muted">
                          holds {formatCount(witness.size)}
                          {witness.failures > 0 ? `, ${witness.failures} failures in a row` : ''}
                        </span>
                        {witness.lastError ? <div className="field-error">{witness.lastError}</div> : null}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </dl>
            {checkpoint ? (
              <details className="checkpoint-note">
                <summary>Signed checkpoint note</summary>
                <pre className="json-block">{checkpoint.note}</pre>
              </details>
            ) : null}
          </section>
        );
      }}
    </QueryState>
  );
}
