import { z } from 'zod';

/** Which side of a request an attribute describes; the namespace of its name. */
export type AttributeSide = 'human' | 'resource' | 'request';

/**
 * One condition of a rule: `equals` for single-valued attributes, `contains` for multi-valued ones
 * (tags, groups). Attribute names carry their namespace: `human.department`, `resource.tags`,
 * `request.intent`.
 */
export const ruleConditionSchema = z.object({
  attribute: z.string().regex(/^(human|resource|request)\.\S+$/, 'must be human.*, resource.* or request.*'),
  operator: z.enum(['equals', 'contains']),
  value: z.string(),
});
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

/** What a rule does to the requests it matches. */
export const ruleActionSchema = z.enum(['approve', 'deny']);
export type RuleAction = z.infer<typeof ruleActionSchema>;

/** A rule already in force, as the miner needs it: to report conflicts and skip what it already covers. */
export const existingRuleSchema = z.object({
  id: z.string().min(1),
  action: ruleActionSchema,
  /** A conjunction; an empty list matches every request. */
  conditions: z.array(ruleConditionSchema),
});
export type ExistingRule = z.infer<typeof existingRuleSchema>;

/** `resource.domain = finance`, `human.groups contains analysts`. */
export function formatCondition(condition: RuleCondition): string {
  return `${condition.attribute} ${condition.operator === 'equals' ? '=' : 'contains'} ${condition.value}`;
}
