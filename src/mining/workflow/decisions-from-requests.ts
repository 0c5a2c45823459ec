import { humanAttributeSchema } from '../../policy/policy-schema.ts';
import type { JsonValue } from '../../shared/json.ts';
import type { DecisionConsent } from '../decision-consent.ts';
import type { AttributeValue, DecisionRecord } from '../decision-record.ts';
import type { DecidedRequest } from './decided-request.ts';

/** What a decided request refers to by id, resolved by the loader. */
export interface DecisionLookups {
  /** Agent id → client id (the name rules use). */
  agentClientId(agentId: string): string | undefined;
  /** Person id → email and department (the approver's team). */
  person(personId: string): { email: string; department: string | null } | undefined;
}

const usableAttributeNames = new Map<string, boolean>();

/** Free-form attributes rules can test (`attributes.<name>`), as the miner's values. */
function freeFormValue(value: JsonValue): AttributeValue | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object') return String(value);
  if (!Array.isArray(value)) return undefined;
  const values = value.filter((item) => item !== null && typeof item !== 'object').map(String);
  return values.length > 0 ? values : undefined;
}

/**
 * The requester's attributes as rules can test them: department, region, title, groups, manager
 * and `attributes.<name>` (scalars, or lists of scalars). Names and ids are left out (a rule per
 * person is not what mining is for), as is anything a rule could not say.
 */
export function requesterAttributes(human: DecidedRequest['human']): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  if (human.department) attributes.department = human.department;
  if (human.region) attributes.region = human.region;
  if (human.title) attributes.title = human.title;
  if (human.manager) attributes.manager = human.manager;
  if (human.groups.length > 0) attributes.groups = human.groups;
  for (const key in human.attributes) {
    const name = `attributes.${key}`;
    let usable = usableAttributeNames.get(name);
    if (usable === undefined) {
      usable = humanAttributeSchema.safeParse(name).success;
      usableAttributeNames.set(name, usable);
    }
    const value = usable ? freeFormValue(human.attributes[key]!) : undefined;
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

const consentOf: Record<NonNullable<DecidedRequest['consent']>, DecisionConsent> = {
  ONCE: 'once',
  TASK: 'task',
  ALWAYS: 'always',
  NOT_ME: 'not-me',
};

/**
 * The miner's decision records of one human decision: one per requested object (a decision on
 * several objects is a decision on each), with what the decider saw: the requester's attributes,
 * the object's path, kind, tags, domain and sensitivity, and the request's intent, tier and agent
 * (client id). The approver is the person who decided (the last approval of a quorum), their team
 * their department. Owners and stewards are not mined: no rule can select by them. The person's
 * confirmation goes along as `consent`; a "not me" answer has no approver (the person who answered
 * is the requester, not someone judging the request). Pure.
 */
export function decisionRecordsOf(request: DecidedRequest, lookups: DecisionLookups): DecisionRecord[] {
  const consent = request.consent ? consentOf[request.consent] : null;
  const decider = consent === 'not-me' ? undefined : lookups.person(request.deciderId);
  const approver =
    consent === 'not-me'
      ? null
      : { id: decider?.email ?? request.deciderId, team: decider?.department ?? null };
  const human = requesterAttributes(request.human);
  const agent = lookups.agentClientId(request.agentId) ?? request.agentId;
  return request.resources.map((resource, index) => ({
    id: request.resources.length === 1 ? request.id : `${request.id}#${index + 1}`,
    decidedAt: request.decidedAt,
    outcome: request.outcome,
    approver,
    human,
    resource: {
      path: resource.path,
      kind: resource.kind,
      tags: resource.tags,
      domain: resource.domain,
      sensitivity: resource.sensitivity,
    },
    request: { intent: request.intent, tier: request.tier, agent },
    consent,
  }));
}
