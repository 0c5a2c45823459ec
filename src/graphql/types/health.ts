import { apertureVersion } from '../../version.ts';
import { builder } from '../builder.ts';

const Health = builder.objectRef<{ status: 'ok'; database: string; version: string }>('Health').implement({
  fields: (t) => ({
    status: t.exposeString('status'),
    database: t.exposeString('database', { description: '`postgres` or `embedded` (PGlite).' }),
    version: t.exposeString('version'),
  }),
});

builder.queryField('health', (t) =>
  t.field({
    type: Health,
    description: 'Liveness and readiness: answers only when the database answers. Needs no token.',
    skipTypeScopes: true,
    resolve: async (_root, _args, { database }) => {
      await database.sql.query('SELECT 1');
      return { status: 'ok' as const, database: database.kind, version: apertureVersion };
    },
  }),
);
