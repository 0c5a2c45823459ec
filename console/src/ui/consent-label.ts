/** A request's consent as the API gives it (AccessRequest.consent). */
export interface RequestConsentFacts {
  state: string;
  answer?: string | null;
}

export interface ConsentLabel {
  text: string;
  tone: 'good' | 'bad' | 'warn';
  /** The longer sentence, for the badge's tooltip and screen readers. */
  detail: string;
}

const answerWords: Record<string, string> = {
  ONCE: 'allowed once',
  TASK: 'allowed for the task',
  ALWAYS: 'always for this agent',
};

/**
 * Where the confirmation of the person a request is made for stands, in words: "waiting for Ana
 * Souza's confirmation", "confirmed", "not me". Null when no rule asked them. `person` is their
 * name, or null when the viewer is that person ("your confirmation").
 */
export function consentLabel(consent: RequestConsentFacts, person: string | null): ConsentLabel | null {
  const whose = person === null ? 'your' : `${person}'s`;
  const who = person ?? 'you';
  switch (consent.state) {
    case 'WAITING':
      return {
        text: `waiting for ${whose} confirmation`,
        tone: 'warn',
        detail: `${person ?? 'You'} must confirm that ${person === null ? 'you' : 'they'} asked for it.`,
      };
    case 'GIVEN': {
      const how = consent.answer ? answerWords[consent.answer] : undefined;
      return {
        text: 'confirmed',
        tone: 'good',
        detail: `Confirmed by ${who}${how ? ` (${how})` : ''}.`,
      };
    }
    case 'REFUSED':
      return {
        text: 'not me',
        tone: 'bad',
        detail: `${person ?? 'You'} answered "not me": denied, and governance alerted.`,
      };
    default:
      return null;
  }
}
