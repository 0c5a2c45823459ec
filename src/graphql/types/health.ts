import { apertureVersion } from '../../version.ts';
import { builder } from '../builder.ts';

interface AuditWitnessShape {
  name: string;
  size: number;
  ok: boolean;
  failures: number;
  lastError: string | null;
}

const AuditWitness = builder.objectRef<AuditWitnessShape>('AuditWitness').implement({
  description:
    'A place outside the database that holds signed audit checkpoints, as this replica last reached it.',
  fields: (t) => ({
    name: t.exposeString('name', { description: '`file:<path>`, `http:<url>` or `slack:<channel>`.' }),
    size: t.exposeInt('size', {
      description: 'The largest checkpoint (tree size) it took from this replica; 0: none yet.',
    }),
    ok: t.exposeBoolean('ok', { description: 'False while publishing fails (it is retried with backoff).' }),
    failures: t.exposeInt('failures', { description: 'Failed attempts in a row.' }),
    lastError: t.exposeString('lastError', { nullable: true }),
  }),
});

const Health = builder
  .objectRef<{ status: 'ok'; database: string; version: string; auditWitnesses: AuditWitnessShape[] }>(
    'Health',
  )
  .implement({
    fields: (t) => ({
      status: t.exposeString('status'),
      database: t.exposeString('database', { description: '`postgres` or `embedded` (PGlite).' }),
      version: t.exposeString('version'),
      auditWitnessesOk: t.boolean({
        description:
          'Whether every audit witness takes checkpoints; the service keeps running while one is down (retried with backoff).',
        resolve: (health) => health.auditWitnesses.every((witness) => witness.ok),
      }),
      auditWitnesses: t.expose('auditWitnesses', {
        type: [AuditWitness],
        nullable: true,
        description:
          'Each audit witness as this replica last reached it (governance only: it names paths and hosts).',
        authScopes: { governance: true },
      }),
    }),
  });

builder.queryField('health', (t) =>
  t.field({
    type: Health,
    description: 'Liveness and readiness: answers only when the database answers. Needs no token.',
    skipTypeScopes: true,
    resolve: async (_root, _args, { database, auditLog }) => {
      await database.sql.query('SELECT 1');
      return {
        status: 'ok' as const,
        database: database.kind,
        version: apertureVersion,
        auditWitnesses: auditLog.witnesses(),
      };
    },
  }),
);
