import { consentLabel, type RequestConsentFacts } from './consent-label.ts';

/** The consent of the person a request is made for, as a badge beside its status (nothing when not asked). */
export function ConsentBadge({ consent, person }: { consent: RequestConsentFacts; person: string | null }) {
  const label = consentLabel(consent, person);
  if (!label) return null;
  return (
    <span className={`badge badge-${label.tone} consent-badge`} title={label.detail}>
      {label.text}
      <span className="visually-hidden"> ({label.detail})</span>
    </span>
  );
}
