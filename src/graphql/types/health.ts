import type { SweepReport } from '../../vending/vending-status.ts';
import { apertureVersion } from '../../version.ts';
import { builder } from '../builder.ts';

interface AuditWitnessShape {
  name: string;
  size: number;
  ok: boolean;
  failures: number;
  lastError: string | null;
}

export const AuditWitness = builder.objectRef<AuditWitnessShape>('AuditWitness').implement({
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

const VendingSweep = builder.objectRef<SweepReport>('VendingSweep').implement({
  description: "The last reconciliation of one source's vended database logins, as this replica ran it.",
  fields: (t) => ({
    source: t.exposeString('source'),
    at: t.expose('at', { type: 'DateTime' }),
    active: t.exposeInt('active', { description: 'Vended logins active after the sweep.' }),
    expiredEnded: t.exposeInt('expiredEnded', { description: 'Expired logins the sweep ended.' }),
    orphansEnded: t.exposeInt('orphansEnded', {
      description: 'Logins in the database aperture had no active record of, ended.',
    }),
    missing: t.exposeInt('missing', { description: 'Records whose login was gone from the database.' }),
    disabled: t.exposeInt('disabled', {
      description: 'Logins that could not be dropped: they cannot log in and hold nothing.',
    }),
    shapesDropped: t.exposeInt('shapesDropped', {
      description: 'Views and capability roles no login used any more, dropped.',
    }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why the source could not be reconciled.',
    }),
  }),
});

const Health = builder
  .objectRef<{
    status: 'ok';
    database: string;
    version: string;
    auditWitnesses: AuditWitnessShape[];
    vendingSweeps: SweepReport[];
  }>('Health')
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
      vendingSweeps: t.expose('vendingSweeps', {
        type: [VendingSweep],
        nullable: true,
        description:
          'Role vending: the last sweep of each registered source by this replica (governance only). Empty until the first sweep.',
        authScopes: { governance: true },
      }),
    }),
  });

builder.queryField('health', (t) =>
  t.field({
    type: Health,
    description: 'Liveness and readiness: answers only when the database answers. Needs no token.',
    skipTypeScopes: true,
    resolve: async (_root, _args, { database, auditLog, vending }) => {
      await database.sql.query('SELECT 1');
      return {
        status: 'ok' as const,
        database: database.kind,
        version: apertureVersion,
        auditWitnesses: auditLog.witnesses(),
        vendingSweeps: vending.status.reports(),
      };
    },
  }),
);
