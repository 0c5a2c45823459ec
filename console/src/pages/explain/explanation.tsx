import { Badge } from '../../ui/badges.tsx';
import type { Explanation as ExplanationData } from './documents.ts';
import { allowInWords, type ChainAgent, capInWords } from './reasons.ts';

/** The tier one person (through a chain, under an intent) has on one object, and every reason for it. */
export function Explanation({
  explanation,
  humanEmail,
  chain,
  intent,
}: {
  explanation: ExplanationData;
  humanEmail: string;
  chain: readonly ChainAgent[];
  intent: string | null;
}) {
  const who =
    chain.length > 0 ? `${humanEmail} through ${chain.map((agent) => agent.name).join(' → ')}` : humanEmail;
  return (
    <div className="stack explanation">
      <p className="explanation-verdict">
        <span className="muted">{explanation.kind}</span> <code className="break">{explanation.path}</code>:{' '}
        <strong>{who}</strong> {explanation.tier === 'READ' ? 'reads it' : 'may only discover it'}{' '}
        <Badge value={explanation.tier} />{' '}
        <span className="muted">under policy version {explanation.policyVersion}</span>
      </p>
      <dl className="facts why">
        <dt>Allowed by</dt>
        <dd>
          <ReasonList
            items={explanation.allowedBy.map(allowInWords)}
            none="nothing (only what every limit leaves)"
          />
        </dd>
        <dt>Denied by</dt>
        <dd>
          <ReasonList
            items={explanation.deniedBy.map((id) => `policy ${id}`)}
            none="no deny policy"
            tone="lost"
          />
        </dd>
        <dt>Capped by</dt>
        <dd>
          <ReasonList
            items={explanation.cappedBy.map((code) => capInWords(code, chain, intent))}
            none="no limit lowered it"
            tone="lost"
          />
        </dd>
        <dt>Mask</dt>
        <dd>
          {explanation.maskMethod ? (
            <>
              <code>{explanation.maskMethod}</code>
              {explanation.maskPolicy ? <> by policy {explanation.maskPolicy}</> : null}
            </>
          ) : (
            <span className="muted">not masked</span>
          )}
        </dd>
        <dt>Row filter</dt>
        <dd>
          {explanation.rowFilter ? (
            <code className="break">{explanation.rowFilter}</code>
          ) : (
            <span className="muted">every row</span>
          )}
        </dd>
        <dt>Database logins</dt>
        <dd>
          <ReasonList items={explanation.vendedRoles} none="none vended that reach it" />
        </dd>
      </dl>
    </div>
  );
}

function ReasonList({ items, none, tone }: { items: readonly string[]; none: string; tone?: 'lost' }) {
  if (items.length === 0) return <span className="muted">{none}</span>;
  return (
    <ul className="plain-list">
      {items.map((item) => (
        <li key={item} className={tone}>
          {item}
        </li>
      ))}
    </ul>
  );
}
