import { channelNames } from '../../audit/channel.ts';
import { type AccessChange, impactListLimit, type PolicyImpact } from '../../policy/impact/policy-impact.ts';
import type { SimulatedAccess } from '../../policy/slice/access-service.ts';
import type { ApplyResult, PolicySet } from '../../policy/store/policy-store.ts';
import type { Visibility } from '../../policy/visibility.ts';
import { builder } from '../builder.ts';
import { TierEnum } from './intent.ts';
import { HumanRef } from './viewer.ts';

const PolicySetRef = builder.objectRef<PolicySet>('PolicySet').implement({
  description: 'The policy set in force: its version and its policies as data (the YAML format, as JSON).',
  fields: (t) => ({
    version: t.exposeInt('version'),
    policies: t.expose('policies', { type: 'JSON' }),
  }),
});

const AccessChangeRef = builder.objectRef<AccessChange>('AccessChange').implement({
  description:
    "One person's changed tier on one dataset, metric or glossary term, the person alone (no agent, no channel).",
  fields: (t) => ({
    human: t.expose('person', { type: HumanRef }),
    path: t.exposeString('path', { description: 'Metrics and glossary terms by name.' }),
    kind: t.exposeString('kind', { description: 'dataset, metric or glossary' }),
    before: t.field({
      type: TierEnum,
      nullable: true,
      description: 'Null: the person could not even discover it.',
      resolve: (change) => tierOrNull(change.before),
    }),
    after: t.field({
      type: TierEnum,
      nullable: true,
      description: 'Null: the person can no longer discover it.',
      resolve: (change) => tierOrNull(change.after),
    }),
    gained: t.exposeBoolean('gained', { description: 'True when the person sees more after the change.' }),
  }),
});

function tierOrNull(visibility: Visibility): 'DISCOVER' | 'READ' | null {
  return visibility === 'HIDDEN' ? null : visibility;
}

export const ApplyResultRef = builder
  .objectRef<ApplyResult & { impact?: PolicyImpact }>('ApplyResult')
  .implement({
    description: 'What replacing a versioned set (policies, rules) changed, by id.',
    fields: (t) => ({
      applied: t.exposeBoolean('applied'),
      version: t.exposeInt('version', { description: 'The version in force after this call.' }),
      added: t.stringList({ resolve: (result) => result.diff.added }),
      changed: t.stringList({ resolve: (result) => result.diff.changed }),
      removed: t.stringList({ resolve: (result) => result.diff.removed }),
      unchanged: t.int({ resolve: (result) => result.diff.unchanged }),
      accessChanges: t.field({
        type: [AccessChangeRef],
        description: `Policies: what the change does (a dry run: would do) to every active person's tiers, by person email then path, at most ${impactListLimit} rows (accessChangeCount counts them all). Empty for rules.`,
        resolve: (result) => result.impact?.changes ?? [],
      }),
      accessChangeCount: t.int({
        description: 'Policies: every access change, listed or not. 0 for rules.',
        resolve: (result) => result.impact?.changeCount ?? 0,
      }),
      peopleAffected: t.int({
        description: 'Policies: people with at least one access change. 0 for rules.',
        resolve: (result) => result.impact?.peopleAffected ?? 0,
      }),
    }),
  });

export const ChannelEnum = builder.enumType('Channel', {
  description:
    'A door into aperture; policies and rules may name the doors they apply through. Naming GRAPHQL covers CONSOLE too (the console is a GraphQL client over a session); CONSOLE alone names only the console.',
  values: Object.fromEntries(channelNames.map((name) => [name.toUpperCase(), { value: name }])) as {
    [Name in (typeof channelNames)[number] as Uppercase<Name>]: { value: Name };
  },
});

/** Who is simulated (simulateAccess, explainAccessFor): a person, alone or through a chain, under an intent, through a channel. */
export const simulatedViewerArgs = builder.args((t) => ({
  humanEmail: t.string({ required: true }),
  agentClientIds: t.stringList({ required: false }),
  intent: t.string({ required: false }),
  channel: t.field({ type: ChannelEnum, required: false }),
  client: t.string({
    required: false,
    description: 'With channel: the client software the call says it comes from (MCP clientInfo.name).',
  }),
}));

/** The simulated viewer as the access service takes it. */
export function simulatedViewerOf(args: {
  humanEmail: string;
  agentClientIds?: string[] | null | undefined;
  intent?: string | null | undefined;
  channel?: (typeof channelNames)[number] | null | undefined;
  client?: string | null | undefined;
}) {
  return {
    humanEmail: args.humanEmail,
    agentClientIds: args.agentClientIds ?? [],
    intent: args.intent ?? null,
    channel: args.channel ? { name: args.channel, client: args.client ?? null } : null,
  };
}

const SimulatedAccessRef = builder.objectRef<SimulatedAccess>('SimulatedAccess').implement({
  fields: (t) => ({
    path: t.exposeString('path'),
    kind: t.exposeString('kind'),
    tier: t.expose('tier', { type: TierEnum }),
    rowFilter: t.exposeString('rowFilter', { nullable: true }),
    visibleColumns: t.exposeInt('visibleColumns'),
    maskedColumns: t.exposeStringList('maskedColumns'),
  }),
});

builder.queryFields((t) => ({
  policies: t.field({
    type: PolicySetRef,
    authScopes: { governance: true },
    resolve: (_root, _args, { policies, viewer }) => policies.read(viewer),
  }),
  simulateAccess: t.field({
    type: [SimulatedAccessRef],
    authScopes: { governance: true },
    description:
      'What a human would see, alone or through a chain of agents (client ids, outermost first) under an intent, through a channel (none: policies that name channels or clients do not grant).',
    args: simulatedViewerArgs,
    resolve: (_root, args, { access, viewer }) => access.simulate(viewer, simulatedViewerOf(args)),
  }),
}));

builder.mutationField('applyPolicies', (t) =>
  t.field({
    type: ApplyResultRef,
    authScopes: { governance: true },
    description:
      'Replaces the whole policy set (validated field by field) as a new version; dryRun shows the difference only.',
    args: { policies: t.arg({ type: 'JSON', required: true }), dryRun: t.arg.boolean({ required: false }) },
    resolve: (_root, { policies: input, dryRun }, { policies, viewer }) =>
      policies.applyJson(viewer, input, dryRun ?? false),
  }),
);
