import { createHash } from 'node:crypto';
import { z } from 'zod';
import { humanAttributeSchema } from '../../policy/policy-schema.ts';
import { type RuleInput, ruleIdSchema } from '../../requests/rules/rule-schema.ts';
import { type InputProblem, InvalidInputError } from '../../shared/errors.ts';
import { formatCondition, type RuleAction, type RuleCondition } from '../rule-condition.ts';
import type { StoredEvidence } from './stored-suggestion.ts';

/**
 * What governance may change when accepting a suggestion. Everything else comes from the
 * suggestion; the result goes through the same validation as an authored rule.
 */
export const acceptEditsSchema = z
  .object({
    /** The rule id; default `mined-<8 hex of the fingerprint>`. */
    id: ruleIdSchema.optional(),
    description: z.string().trim().min(1).max(2000).optional(),
    /** Approve: the longest grant (ISO 8601 or seconds); default PT8H. */
    maxDuration: z.union([z.string(), z.number()]).optional(),
    /** Deny: what the agent is shown; default from the evidence. */
    reason: z.string().optional(),
    /** Where in the ordered rules it goes (0 = first, the default: before the route rules). */
    position: z.int().min(0).optional(),
  })
  .strict();

export type AcceptEdits = z.infer<typeof acceptEditsSchema>;

/** Governance's edits as a caller writes them; parsed by `acceptSuggestion`. */
export type AcceptEditsInput = z.input<typeof acceptEditsSchema>;

/** The suggestion fields a rule is made from. */
export interface SuggestionForRule {
  id: string;
  fingerprint: string;
  action: RuleAction;
  conditions: readonly RuleCondition[];
  evidence: Pick<
    StoredEvidence,
    | 'support'
    | 'approved'
    | 'denied'
    | 'rate'
    | 'lowerBound'
    | 'confidence'
    | 'distinctApprovers'
    | 'teams'
    | 'consent'
  >;
}

/** The default id of the rule made from a suggestion: stable for its fingerprint. */
export function minedRuleId(fingerprint: string): string {
  return `mined-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 8)}`;
}

type Selector = {
  tags?: string[];
  domains?: string[];
  sensitivities?: string[];
  paths?: string[];
  kinds?: string[];
};

const resourceFields: Record<string, keyof Selector> = {
  'resource.domain': 'domains',
  'resource.sensitivity': 'sensitivities',
  'resource.path': 'paths',
  'resource.kind': 'kinds',
};
const requestFields = {
  'request.tier': 'tiers',
  'request.intent': 'intents',
  'request.agent': 'agents',
} as const;

/**
 * The rule a suggestion stands for, in the rule file's shape (not yet validated): `human.*`
 * conditions become the human's conditions (all must hold; `contains` on a list is `equals`, which
 * tests any of its values), resource conditions the resource selector, `request.tier` / `intent` /
 * `agent` the tiers, intents and agents. Conditions a rule cannot say (two tags that must both be
 * present, unknown attributes) are INVALID_INPUT naming them. Pure.
 */
export function suggestionToRule(suggestion: SuggestionForRule, edits: AcceptEdits = {}): RuleInput {
  const problems: InputProblem[] = [];
  const human: { attribute: string; op: 'equals'; value: string }[] = [];
  const resources: Selector = {};
  const request: { tiers?: string[]; intents?: string[]; agents?: string[] } = {};
  const problem = (condition: RuleCondition, message: string) =>
    problems.push({ location: formatCondition(condition), message });
  for (const condition of suggestion.conditions) {
    const { attribute, value } = condition;
    if (attribute.startsWith('human.')) {
      const name = attribute.slice('human.'.length);
      if (humanAttributeSchema.safeParse(name).success) human.push({ attribute: name, op: 'equals', value });
      else problem(condition, `rules cannot test the human attribute ${name}`);
    } else if (attribute === 'resource.tags') {
      if (resources.tags)
        problem(condition, 'a rule cannot require two tags at once (its tags match any one)');
      else resources.tags = [value];
    } else if (attribute in resourceFields) {
      const field = resourceFields[attribute]!;
      if (resources[field]) problem(condition, `a rule cannot require two values of ${attribute}`);
      else if (field === 'paths' && value.includes('*')) problem(condition, 'a path with * would be a glob');
      else resources[field] = [value];
    } else if (attribute in requestFields) {
      const field = requestFields[attribute as keyof typeof requestFields];
      if (request[field]) problem(condition, `a rule cannot require two values of ${attribute}`);
      else request[field] = [value];
    } else {
      problem(condition, `rules cannot test ${attribute}`);
    }
  }
  if (problems.length > 0) throw new InvalidInputError(`suggestion ${suggestion.id}`, problems);
  const approve = suggestion.action === 'approve';
  return {
    id: edits.id ?? minedRuleId(suggestion.fingerprint),
    description: edits.description ?? describeSuggestion(suggestion),
    when: {
      ...(human.length > 0 ? { human: { match: 'all', conditions: human } } : {}),
      ...(Object.keys(resources).length > 0 ? { resources } : {}),
      ...request,
    } as RuleInput['when'],
    action: suggestion.action,
    ...(approve || edits.maxDuration !== undefined ? { maxDuration: edits.maxDuration ?? 'PT8H' } : {}),
    ...(!approve || edits.reason !== undefined ? { reason: edits.reason ?? denyReason(suggestion) } : {}),
    provenance: { suggestion: suggestion.id },
  };
}

/** `rules` with `rule` at `position` (clamped to the list; default first). */
export function placeRule<T>(rules: readonly T[], rule: T, position = 0): T[] {
  const at = Math.min(position, rules.length);
  return [...rules.slice(0, at), rule, ...rules.slice(at)];
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** A rule description that carries the evidence it was accepted on. */
export function describeSuggestion(suggestion: SuggestionForRule): string {
  const { evidence } = suggestion;
  const when = suggestion.conditions.map(formatCondition).join(' and ');
  const teams = evidence.teams.length > 0 ? ` in ${evidence.teams.join(', ')}` : '';
  return (
    `Mined: ${suggestion.action} when ${when}. ` +
    `People decided ${evidence.support} such requests: ${evidence.approved} approved, ${evidence.denied} denied ` +
    `(${percent(evidence.rate)} ${suggestion.action === 'approve' ? 'approved' : 'denied'}, lower bound ${percent(evidence.lowerBound)} at ${percent(evidence.confidence)} confidence), ` +
    `by ${evidence.distinctApprovers} approvers${teams}.${consentSentence(evidence.consent)}`
  );
}

/** What the people the requests were made for said, when they said anything. */
function consentSentence(consent: SuggestionForRule['evidence']['consent']): string {
  const always = consent?.always ?? 0;
  const notMe = consent?.notMe ?? 0;
  return (
    (always > 0 ? ` ${always} of them were confirmed by the person with a standing consent.` : '') +
    (notMe > 0 ? ` People called ${notMe} more such requests "not me".` : '')
  );
}

function denyReason(suggestion: SuggestionForRule): string {
  const { evidence } = suggestion;
  return `Requests like this one were denied by approvers ${evidence.denied} times out of ${evidence.support}; they are now denied automatically. Ask governance if you need an exception.`;
}
