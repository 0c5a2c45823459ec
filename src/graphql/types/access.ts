import type { ObjectAccess } from '../../catalog/read/catalog-reader.ts';
import { builder } from '../builder.ts';
import { TierEnum } from './intent.ts';

/** How a readable column is masked for this viewer. */
export const ColumnAccessRef = builder.objectRef<ObjectAccess>('ColumnAccess').implement({
  fields: (t) => ({
    masked: t.boolean({ resolve: (access) => access.mask !== null }),
    method: t.string({
      nullable: true,
      description: 'hash, redact, null, partial (keepLast characters stay), year or expression.',
      resolve: (access) => access.mask?.method ?? null,
    }),
    keepLast: t.int({ nullable: true, resolve: (access) => access.mask?.keepLast ?? null }),
    expression: t.string({
      nullable: true,
      description: 'For expression masks: SQL over {{column}}.',
      resolve: (access) => access.mask?.expression ?? null,
    }),
  }),
});

type SchemaTypes = typeof builder.$inferSchemaTypes;

/** `tier` and `requestable`: what every catalog object tells about the viewer's access to it. */
export function tierFields<T extends { id: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<SchemaTypes, T>,
) {
  return {
    tier: t.field({
      type: TierEnum,
      description:
        'DISCOVER: only name, description, owner, tags and sensitivity are shown. READ: everything permitted.',
      resolve: (object, _args, { catalog }) => catalog.access(object.id).tier,
    }),
    requestable: t.boolean({
      description: 'True when more can be asked for (a just-in-time access request).',
      resolve: (object, _args, { catalog }) => catalog.access(object.id).tier === 'DISCOVER',
    }),
  };
}
