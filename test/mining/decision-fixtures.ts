import type { DecisionRecord } from '../../src/mining/decision-record.ts';
import type { RuleCondition } from '../../src/mining/rule-condition.ts';
import type { RuleSuggestion } from '../../src/mining/rule-suggestion.ts';

/** The value(s) of a namespaced attribute in a record, read straight from the record (no encoding). */
function valuesOf(record: DecisionRecord, attribute: string): string[] {
  const [namespace, ...rest] = attribute.split('.');
  const key = rest.join('.');
  let value: string | string[] | null | undefined;
  if (namespace === 'human') value = record.human[key];
  else if (namespace === 'request') value = record.request[key as keyof DecisionRecord['request']];
  else if (key === 'path' || key === 'kind' || key === 'domain' || key === 'sensitivity' || key === 'tags') {
    value = record.resource[key];
  } else value = record.resource.attributes?.[key];
  if (value === null || value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Whether a record satisfies every condition: the test's own, brute-force reading of a rule. */
export function recordMatches(record: DecisionRecord, conditions: readonly RuleCondition[]): boolean {
  return conditions.every((condition) => valuesOf(record, condition.attribute).includes(condition.value));
}

/** A suggestion's conditions as `attribute=value` strings, for readable assertions. */
export const conditionsOf = (suggestion: RuleSuggestion) =>
  suggestion.conditions.map((condition) => `${condition.attribute}=${condition.value}`);

/** One hand-written decision, with defaults for what a test does not care about. */
export function decision(
  index: number,
  outcome: 'approved' | 'denied',
  overrides: {
    human?: DecisionRecord['human'];
    resource?: Partial<DecisionRecord['resource']>;
    request?: Partial<DecisionRecord['request']>;
    approver?: string;
  } = {},
): DecisionRecord {
  return {
    id: `d${index}`,
    decidedAt: new Date(Date.UTC(2025, 0, 1) + index * 60_000),
    outcome,
    approver: { id: overrides.approver ?? `approver-${index % 4}`, team: `team-${index % 2}` },
    human: overrides.human ?? { department: 'sales' },
    resource: {
      path: 'dw.sales.orders',
      kind: 'table',
      tags: [],
      domain: 'sales',
      sensitivity: 'INTERNAL',
      ...overrides.resource,
    },
    request: { intent: 'analytics', tier: 'READ', agent: 'agent-1', ...overrides.request },
  };
}
