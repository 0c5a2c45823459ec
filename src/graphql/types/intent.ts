import type { Intent } from '../../../generated/prisma/client.ts';
import { Tier } from '../../../generated/prisma/enums.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';

export const TierEnum = builder.enumType('Tier', {
  description: 'Visibility tiers: DISCOVER (name, description, owner, tags) < READ (full metadata).',
  values: Object.values(Tier),
});

export const IntentRef = builder.objectRef<Intent>('Intent').implement({
  description: 'A governed purpose that every delegation carries.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    allowedTiers: t.expose('allowedTiers', { type: [TierEnum] }),
    allowedTags: t.exposeStringList('allowedTags', { description: 'Empty: no tag restriction.' }),
    maxTokenLifetimeSeconds: t.exposeInt('maxTokenLifetimeSeconds'),
  }),
});

const IntentInput = builder.inputType('IntentInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: true }),
    allowedTiers: t.field({ type: [TierEnum], required: true }),
    allowedTags: t.stringList({ required: false }),
    maxTokenLifetimeSeconds: t.int({ required: false }),
  }),
});

const IntentUpdateInput = builder.inputType('IntentUpdateInput', {
  fields: (t) => ({
    description: t.string({ required: false }),
    allowedTiers: t.field({ type: [TierEnum], required: false }),
    allowedTags: t.stringList({ required: false }),
    maxTokenLifetimeSeconds: t.int({ required: false }),
  }),
});

builder.queryField('intents', (t) =>
  t.field({ type: [IntentRef], resolve: (_root, _args, { identity }) => identity.intents.list() }),
);

builder.mutationFields((t) => ({
  createIntent: t.field({
    type: IntentRef,
    authScopes: { governance: true },
    args: { input: t.arg({ type: IntentInput, required: true }) },
    resolve: (_root, { input }, { identity, viewer }) => identity.intents.create(viewer, withoutNulls(input)),
  }),
  updateIntent: t.field({
    type: IntentRef,
    authScopes: { governance: true },
    args: {
      name: t.arg.string({ required: true }),
      input: t.arg({ type: IntentUpdateInput, required: true }),
    },
    resolve: (_root, { name, input }, { identity, viewer }) =>
      identity.intents.update(viewer, name, withoutNulls(input)),
  }),
  deleteIntent: t.field({
    type: IntentRef,
    authScopes: { governance: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, { identity, viewer }) => identity.intents.delete(viewer, name),
  }),
}));
