import type { Tier } from '../../../generated/prisma/enums.ts';
import type { Channel } from '../../audit/channel.ts';
import type { PolicyHuman, PolicyObject } from '../../policy/access-context.ts';
import { compileChannelCondition } from '../../policy/channel-condition.ts';
import { compileSelector, selectorMatches } from '../../policy/compile-policies.ts';
import { conditionHolds } from '../../policy/human-attributes.ts';
import type { Routing, Rule } from './rule-schema.ts';
import { insideTimeWindow } from './time-window.ts';

/** What the rules see of a request. */
export interface RequestFacts {
  human: PolicyHuman;
  /** Client id of the requesting agent (the last of the chain). */
  agentClientId: string;
  intent: string;
  resources: PolicyObject[];
  tier: Tier;
  requestedSeconds: number;
  at: Date;
  /**
   * The door the request came through; null or absent when unknown: then rules naming channels or
   * clients match only if they deny (not knowing the door never approves).
   */
  channel?: Channel | null;
}

export type RuleOutcome =
  | { action: 'approve'; rule: Rule; maxSeconds: number; matched: string[] }
  | { action: 'deny'; rule: Rule; reason: string; matched: string[] }
  | { action: 'route'; rule: Rule | null; routing: Routing; matched: string[] };

/** No matching rule: the owners of the requested objects decide, one approval per object is enough. */
export const defaultRouting: Routing = {
  ordered: false,
  steps: [{ approvers: [{ kind: 'owners' }], required: 1 }],
};

export function ruleMatches(rule: Rule, facts: RequestFacts): boolean {
  const { when } = rule;
  if (when.human && when.human.conditions.length > 0) {
    const holds = (condition: (typeof when.human.conditions)[number]) =>
      conditionHolds(facts.human, condition);
    const humanMatches =
      when.human.match === 'all' ? when.human.conditions.every(holds) : when.human.conditions.some(holds);
    if (!humanMatches) return false;
  }
  if (when.agents && !when.agents.includes(facts.agentClientId)) return false;
  if (when.intents && !when.intents.includes(facts.intent)) return false;
  const overChannel = compileChannelCondition(when, rule.action === 'deny');
  if (overChannel && !overChannel(facts.channel ?? null)) return false;
  if (when.tiers && !when.tiers.includes(facts.tier)) return false;
  if (when.maxRequestedDuration !== undefined && facts.requestedSeconds > when.maxRequestedDuration)
    return false;
  if (when.timeWindows && !when.timeWindows.some((window) => insideTimeWindow(window, facts.at)))
    return false;
  if (when.resources) {
    // A deny rule covers a request when any object it asks for matches (deny wins, also in part);
    // an approval or a routing must fit every object.
    const selector = compileSelector(when.resources);
    const fits = (resource: PolicyObject) => selectorMatches(selector, resource);
    if (!(rule.action === 'deny' ? facts.resources.some(fits) : facts.resources.every(fits))) return false;
  }
  return true;
}

/**
 * Decides a request by the ordered rules. Deny wins: any matching deny rule denies. Otherwise the
 * first matching approve or route rule in order decides; with none, the request is routed to the
 * owners of what it asks for. Pure and deterministic.
 */
export function evaluateRules(rules: readonly Rule[], facts: RequestFacts): RuleOutcome {
  const matching = rules.filter((rule) => ruleMatches(rule, facts));
  const matched = matching.map((rule) => rule.id);
  const deny = matching.find((rule) => rule.action === 'deny');
  if (deny) return { action: 'deny', rule: deny, reason: deny.reason!, matched };
  const first = matching[0];
  if (first?.action === 'approve')
    return { action: 'approve', rule: first, maxSeconds: first.maxDuration!, matched };
  if (first?.action === 'route') return { action: 'route', rule: first, routing: first.route!, matched };
  return { action: 'route', rule: null, routing: defaultRouting, matched };
}
