import type { AttributeCondition } from '../../policy/policy-schema.ts';
import type { Rule } from '../../requests/rules/rule-schema.ts';
import type { ExistingRule, RuleCondition } from '../rule-condition.ts';

/** Past this many conjunctions for one rule, a field is treated as unconstrained instead. */
const maxAlternatives = 256;

/** Alternatives for one field: any one of them must hold. null: the field does not constrain. */
type Alternatives = RuleCondition[][] | null;

const condition = (attribute: string, value: unknown, contains = false): RuleCondition => ({
  attribute,
  operator: contains ? 'contains' : 'equals',
  value: String(value),
});

const anyOf = (attribute: string, values: readonly unknown[] | undefined, contains = false): Alternatives =>
  values ? values.map((value) => [condition(attribute, value, contains)]) : null;

function humanCondition(test: AttributeCondition): Alternatives {
  const attribute = `human.${test.attribute}`;
  const contains = test.attribute === 'groups';
  if (test.op === 'equals') return [[condition(attribute, test.value, contains)]];
  if (test.op === 'in') return anyOf(attribute, test.values, contains);
  // notIn and exists say nothing the miner's conditions can say: no constraint.
  return null;
}

function humanAlternatives(rule: Rule): Alternatives[] {
  const subject = rule.when.human;
  if (!subject || subject.conditions.length === 0) return [];
  const each = subject.conditions.map(humanCondition);
  if (subject.match === 'all') return each;
  if (each.some((alternatives) => alternatives === null)) return [];
  return [each.flatMap((alternatives) => alternatives ?? [])];
}

function resourceAlternatives(rule: Rule): Alternatives[] {
  const selector = rule.when.resources;
  if (!selector) return [];
  const exactPaths = selector.paths?.every((path) => !path.includes('*')) ? selector.paths : undefined;
  return [
    anyOf('resource.kind', selector.kinds),
    anyOf('resource.tags', selector.tags, true),
    anyOf('resource.domain', selector.domains),
    anyOf('resource.sensitivity', selector.sensitivities),
    anyOf('resource.path', exactPaths),
  ];
}

/**
 * The rules in force as the miner sees existing rules: approve and deny rules as conjunctions of
 * `human.*`, `resource.*` and `request.*` conditions (a rule listing several values for a field
 * becomes one conjunction per value). What those conditions cannot say (path globs, `notIn`,
 * `exists`, requested duration, time windows) is left out, so each rule is taken as matching at
 * least what it really matches: a suggestion it then covers is not suggested again, and every
 * possible conflict is reported. Route rules decide nothing and are skipped. Pure.
 */
export function existingRulesFromRuleSet(rules: readonly Rule[]): ExistingRule[] {
  const existing: ExistingRule[] = [];
  for (const rule of rules) {
    if (rule.action === 'route') continue;
    const { when } = rule;
    const fields: Alternatives[] = [
      ...humanAlternatives(rule),
      ...resourceAlternatives(rule),
      anyOf('request.agent', when.agents),
      anyOf('request.intent', when.intents),
      anyOf('request.tier', when.tiers),
    ];
    let conjunctions: RuleCondition[][] = [[]];
    for (const alternatives of fields) {
      if (!alternatives || alternatives.length === 0) continue;
      if (conjunctions.length * alternatives.length > maxAlternatives) continue;
      conjunctions = conjunctions.flatMap((conjunction) =>
        alternatives.map((alternative) => [...conjunction, ...alternative]),
      );
    }
    for (const conditions of conjunctions) existing.push({ id: rule.id, action: rule.action, conditions });
  }
  return existing;
}
