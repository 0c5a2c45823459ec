import { z } from 'zod';
import { Tier } from '../../../generated/prisma/enums.ts';
import {
  channelsConditionSchema,
  clientsConditionSchema,
  resourceSelectorSchema,
  subjectSchema,
} from '../../policy/policy-schema.ts';
import { durationSchema } from '../../shared/duration.ts';

/**
 * Rules decide access requests: ordered, deterministic, data not code. This file is the single
 * definition of their shape (YAML files, GraphQL input and storage all go through it).
 */

export const ruleIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_.-]{1,99}$/,
    'must be 2-100 lowercase letters, digits, _ . - and start with a letter',
  );

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour clock)');

/** When a rule applies, e.g. business hours: days and a daily window in a time zone. */
export const timeWindowSchema = z
  .object({
    days: z
      .array(z.enum(weekdays))
      .min(1)
      .default([...weekdays]),
    from: clock.default('00:00'),
    to: z.union([clock, z.literal('24:00')]).default('24:00'),
    timeZone: z
      .string()
      .default('UTC')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Berlin'),
  })
  .strict()
  .refine((window) => window.from < window.to, { message: 'from must be before to', path: ['to'] });

export type TimeWindow = z.infer<typeof timeWindowSchema>;

const duration = durationSchema;

/** What a request must look like for the rule to apply. Each given field must hold; none: every request. */
export const ruleConditionsSchema = z
  .object({
    /** The requesting human. */
    human: subjectSchema.optional(),
    /** Client ids: the requesting agent (the last of the chain) must be one of them. */
    agents: z.array(z.string().min(1).max(200)).min(1).optional(),
    intents: z.array(z.string().min(1).max(100)).min(1).optional(),
    /** The door the request came through (`mcp`, `graphql`, ...); `graphql` covers `console` too. */
    channels: channelsConditionSchema.optional(),
    /**
     * The client software that says it filed the request (MCP `clientInfo.name`): said by the
     * client, never proof, so it narrows approvals rather than guarding denies.
     */
    clients: clientsConditionSchema.optional(),
    /** Approve and route rules: every requested object must match; deny rules: any one. */
    resources: resourceSelectorSchema.optional(),
    tiers: z.array(z.enum(Tier)).min(1).optional(),
    /** The requested duration is at most this. */
    maxRequestedDuration: duration.optional(),
    /** The request is made inside one of these windows. */
    timeWindows: z.array(timeWindowSchema).min(1).max(20).optional(),
  })
  .strict();

/** Who may approve a routed request. */
export const approverGroupSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('owners') }).strict(),
  z.object({ kind: z.literal('stewards') }).strict(),
  z.object({ kind: z.literal('manager') }).strict(),
  z.object({ kind: z.literal('group'), group: z.string().min(1).max(100) }).strict(),
]);

export type ApproverGroup = z.infer<typeof approverGroupSchema>;

/** One approval step: who is eligible, and how many distinct of them each requested object needs. */
export const approvalStepSchema = z
  .object({
    /** Shown to approvers and in the API, e.g. "owner or steward". */
    name: z.string().trim().min(1).max(100).optional(),
    approvers: z.array(approverGroupSchema).min(1).max(10),
    /** Distinct approvers needed in this step, for every requested object. */
    required: z.number().int().min(1).max(10).default(1),
  })
  .strict();

export type ApprovalStep = z.infer<typeof approvalStepSchema>;

/**
 * The step in which the person the request is made for confirms, out of band, that they asked for
 * it (src/requests/consent/). Written `{ requester: true }` among the steps: first of `ordered`
 * steps (approvers are asked once they confirmed), or beside unordered ones.
 */
export const requesterStepSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    requester: z.literal(true),
  })
  .strict();

/** Where the requester's confirmation stands among the approvers' steps. */
export type RequesterConfirmation = 'before' | 'beside';

const isRequesterStep = (step: ApprovalStep | z.infer<typeof requesterStepSchema>) => 'requester' in step;

/**
 * How a routed request is decided. Written either as `steps` (each step needs its own distinct
 * approvers; `ordered` steps are taken one after the other) or as the one-step shorthand
 * `approvers` + `requiredApprovals`; parsing turns the shorthand into one step, so that the rest of
 * the code only knows steps.
 */
export const routingSchema = z
  .object({
    steps: z
      .array(z.union([approvalStepSchema, requesterStepSchema]))
      .min(1)
      .max(10)
      .optional(),
    /** Steps are approved in order: an approval counts only for the first step still open. */
    ordered: z.boolean().default(false),
    /** Shorthand for one step: these groups ... */
    approvers: z.array(approverGroupSchema).min(1).max(10).optional(),
    /** ... and this many distinct approvers among them. */
    requiredApprovals: z.number().int().min(1).max(10).optional(),
    /** If still pending after `after`, these approvers become eligible too, in every step. */
    escalation: z
      .object({ after: duration, to: z.array(approverGroupSchema).min(1).max(10) })
      .strict()
      .optional(),
    /** The most an approver may grant. */
    maxDuration: duration.optional(),
    /**
     * Where the Slack prompt goes: channels (ids) and/or a DM to each approver. Default: the
     * configured approvals channel, else DMs.
     */
    slack: z
      .object({
        channels: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
        directMessages: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((route, context) => {
    const shorthand = route.approvers !== undefined || route.requiredApprovals !== undefined;
    if (route.steps && shorthand)
      context.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'give either steps or approvers (with requiredApprovals, the one-step shorthand), not both',
      });
    if (!route.steps && !route.approvers)
      context.addIssue({
        code: 'custom',
        path: ['approvers'],
        message: 'name who approves: steps: [{ approvers: [...] }], or approvers: [...]',
      });
    if (!route.steps && route.ordered)
      context.addIssue({ code: 'custom', path: ['ordered'], message: 'ordered needs steps' });
    const requesterAt = (route.steps ?? []).flatMap((step, index) => (isRequesterStep(step) ? [index] : []));
    if (requesterAt.length > 1)
      context.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'the requester confirms once: one requester step',
      });
    if (route.ordered && requesterAt.length === 1 && requesterAt[0] !== 0)
      context.addIssue({
        code: 'custom',
        path: ['steps', requesterAt[0]!],
        message:
          'the requester confirms before the approvers or beside them: put the requester step first, or make the steps unordered',
      });
  })
  .transform(({ approvers, requiredApprovals, steps, ...route }) => ({
    ...route,
    steps: steps ?? [{ approvers: approvers ?? [], required: requiredApprovals ?? 1 }],
  }));

export type Routing = z.infer<typeof routingSchema>;

/** The approvers' steps of a routing, in order (the requester's step left out). */
export function approverSteps(routing: Pick<Routing, 'steps'>): ApprovalStep[] {
  return routing.steps.filter((step): step is ApprovalStep => !isRequesterStep(step));
}

/**
 * Whether the requester confirms, and when: first (ordered steps, or no approver step) or beside
 * the approvers; null when the routing does not ask them.
 */
export function requesterConfirmation(
  routing: Pick<Routing, 'steps' | 'ordered'>,
): RequesterConfirmation | null {
  if (!routing.steps.some(isRequesterStep)) return null;
  return routing.ordered || approverSteps(routing).length === 0 ? 'before' : 'beside';
}

export const ruleSchema = z
  .object({
    id: ruleIdSchema,
    description: z.string().trim().min(1).max(2000),
    when: ruleConditionsSchema.prefault({}),
    action: z.enum(['approve', 'deny', 'route']),
    /** approve: the longest grant this rule gives. */
    maxDuration: duration.optional(),
    /** deny: shown to the agent. */
    reason: z.string().trim().min(1).max(1000).optional(),
    route: routingSchema.optional(),
    /** Where the rule comes from: authored, or the id of the accepted suggestion. */
    provenance: z
      .union([z.literal('authored'), z.object({ suggestion: z.string().min(1).max(100) }).strict()])
      .default('authored'),
  })
  .strict()
  .superRefine((rule, context) => {
    const problem = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if (rule.action === 'approve' && rule.maxDuration === undefined)
      problem('maxDuration', 'approve rules need a maxDuration');
    if (rule.action === 'deny' && !rule.reason)
      problem('reason', 'deny rules need a reason the agent is shown');
    if (rule.action === 'route' && !rule.route)
      problem('route', 'route rules need route: { steps: [...] } or route: { approvers: [...] }');
    if (rule.action !== 'route' && rule.route) problem('route', `${rule.action} rules do not route`);
    if (rule.action !== 'approve' && rule.maxDuration !== undefined)
      problem('maxDuration', 'only approve rules have a maxDuration (route rules: route.maxDuration)');
    if (rule.action !== 'deny' && rule.reason !== undefined)
      problem('reason', 'only deny rules have a reason');
    // A client names itself: any client can give another name, or none.
    if (rule.action === 'deny' && rule.when.clients)
      problem(
        'when',
        'a deny rule cannot rely on client names (a client can give any name): name channels or agents',
      );
  });

export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const ruleSetSchema = z
  .array(ruleSchema)
  .max(10_000)
  .superRefine((rules, context) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id))
        context.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
    });
  });
