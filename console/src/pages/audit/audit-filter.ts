import type { AuditEventFilter } from './documents.ts';

/** The filter form as typed: empty strings mean "any". Times are the browser's local datetime-local values. */
export interface AuditFilterForm {
  person: string;
  agent: string;
  intent: string;
  type: string;
  from: string;
  to: string;
}

export const emptyAuditFilterForm: AuditFilterForm = {
  person: '',
  agent: '',
  intent: '',
  type: '',
  from: '',
  to: '',
};

/** The form as aperture's AuditEventFilter: each field set becomes a one-value list (or a time), the rest is left out. */
export function auditFilterFrom(form: AuditFilterForm): AuditEventFilter {
  const filter: AuditEventFilter = {};
  const person = form.person.trim();
  const agent = form.agent.trim();
  const intent = form.intent.trim();
  const type = form.type.trim();
  if (person) filter.humans = [person];
  if (agent) filter.agents = [agent];
  if (intent) filter.intents = [intent];
  if (type) filter.types = [type];
  const from = isoOf(form.from);
  const to = isoOf(form.to);
  if (from) filter.from = from;
  if (to) filter.to = to;
  return filter;
}

function isoOf(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Event types aperture writes, offered as suggestions (any other type may be typed). */
export const knownEventTypes = [
  'access.requested',
  'access.approved',
  'access.denied',
  'access.cancelled',
  'access.escalated',
  'access.expired',
  'access.explained',
  'access.simulated',
  'agent.registered',
  'agent.updated',
  'agent.suspended',
  'agent.reactivated',
  'agent.retired',
  'agent.secret_rotated',
  'catalog.imported',
  'database.role.vended',
  'database.role.refreshed',
  'database.role.ended',
  'grant.created',
  'grant.extended',
  'grant.revoked',
  'grant.expired',
  'intent.created',
  'intent.updated',
  'intent.deleted',
  'mining.run',
  'people.imported',
  'policies.applied',
  'rules.applied',
  'rule-suggestion.accepted',
  'rule-suggestion.rejected',
  'signing-key.retired',
  'signing-key.rotated',
  'slice.queried',
  'token.exchanged',
  'token.refused',
  'token.revoked',
];
