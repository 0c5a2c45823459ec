import type { VendedCredential } from '../../vending/vended-credential.ts';
import { builder } from '../builder.ts';

type VendedDatasetShape = VendedCredential['datasets'][number];

const MaskedColumnRef = builder
  .objectRef<VendedDatasetShape['masked'][number]>('VendedMaskedColumn')
  .implement({
    fields: (t) => ({
      column: t.exposeString('column'),
      method: t.exposeString('method', { description: 'hash, redact, null, partial, year or expression.' }),
    }),
  });

const VendedDatasetRef = builder.objectRef<VendedDatasetShape>('VendedDataset').implement({
  description: 'A dataset a vended login reads, and how the database shows it.',
  fields: (t) => ({
    dataset: t.exposeString('dataset', { description: 'The catalog path, `source.schema.table`.' }),
    relation: t.exposeString('relation', {
      description:
        'What to query: a view in aperture\'s schema of the source database (e.g. `"aperture"."finance__payments_3fa9c2a1"`), with exactly the readable columns, masks applied and rows filtered by the database.',
    }),
    columns: t.exposeStringList('columns'),
    masked: t.field({ type: [MaskedColumnRef], resolve: (dataset) => dataset.masked }),
    rowFilter: t.exposeString('rowFilter', {
      nullable: true,
      description: 'The rows the database shows, with your values; null: every row.',
    }),
  }),
});

const DatabaseCredentialRef = builder.objectRef<VendedCredential>('DatabaseCredential').implement({
  description:
    'A short-lived database login whose rights are exactly your slice of one source. The password is shown once; aperture keeps none.',
  fields: (t) => ({
    source: t.exposeString('source'),
    host: t.exposeString('host'),
    port: t.exposeInt('port'),
    database: t.exposeString('database'),
    username: t.exposeString('username'),
    password: t.exposeString('password'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    limitedBy: t.exposeString('limitedBy', {
      description:
        'What ends it first: `maximum` (APERTURE_VENDED_ROLE_MAX_SECONDS), `requested` (ttlSeconds), `token`, `intent` or `grant`.',
    }),
    datasets: t.field({ type: [VendedDatasetRef], resolve: (credential) => credential.datasets }),
  }),
});

builder.mutationFields((t) => ({
  vendDatabaseCredential: t.field({
    type: DatabaseCredentialRef,
    description:
      "For an agent: a database login for one source that reads exactly what your slice shows at READ, with masks and row filters enforced by the database. It follows every change (grants, policies, suspensions) and ends with your token, your intent's maximum, the grants it relies on, or APERTURE_VENDED_ROLE_MAX_SECONDS, whichever comes first.",
    args: {
      source: t.arg.string({ required: true, description: 'The catalog source (first path segment).' }),
      ttlSeconds: t.arg.int({
        description: 'A shorter life than the maximum, in seconds (10 to 86400).',
      }),
    },
    resolve: (_root, { source, ttlSeconds }, { vending, viewer }) =>
      vending.vend(viewer, source, ttlSeconds ?? null),
  }),
  releaseDatabaseCredential: t.boolean({
    description: 'Ends a login you were vended now: its sessions are terminated and the role dropped.',
    args: { username: t.arg.string({ required: true }) },
    resolve: (_root, { username }, { vending, viewer }) => vending.release(viewer, username),
  }),
}));
