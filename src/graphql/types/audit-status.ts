import type { CheckpointView, LogVerificationReport } from '../../audit/log/audit-log-status.ts';
import { builder } from '../builder.ts';
import { AuditWitness } from './health.ts';

const AuditCheckpointRef = builder.objectRef<CheckpointView>('AuditCheckpoint').implement({
  description: 'A signed checkpoint of the audit log (c2sp.org/tlog-checkpoint): its size and root, signed.',
  fields: (t) => ({
    size: t.exposeInt('size'),
    rootHash: t.exposeString('rootHash', { description: 'RFC 9162 root hash, hex.' }),
    signedAt: t.expose('signedAt', { type: 'DateTime' }),
    note: t.exposeString('note', { description: 'The signed note, as witnesses hold it.' }),
    verifierKey: t.exposeString('verifierKey', {
      description: '`<origin>+<key id>+<base64 Ed25519 key>`: what checks the note (keep a copy elsewhere).',
    }),
  }),
});

const AuditVerificationRef = builder.objectRef<LogVerificationReport>('AuditVerification').implement({
  description:
    'What `aperture audit verify` checks: the stored events recomputed into the tree and checked against the signed checkpoints of the file witnesses and the newest stored one.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    checkedSize: t.exposeInt('checkedSize', { description: 'Events recomputed and found in place.' }),
    problems: t.exposeStringList('problems', { description: 'Empty when ok.' }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime' }),
  }),
});

const AuditLogStatusRef = builder.objectRef<Record<string, never>>('AuditLogStatus').implement({
  description: 'The tamper-evident audit log as this replica sees it (governance).',
  fields: (t) => ({
    size: t.int({
      description: 'Events sequenced into the log (the newest checkpoint may lag by a second).',
      resolve: (_status, _args, { auditLog }) => auditLog.status.size(),
    }),
    latestCheckpoint: t.field({
      type: AuditCheckpointRef,
      nullable: true,
      description: 'Null until the first event is sequenced.',
      resolve: (_status, _args, { auditLog }) => auditLog.status.latestCheckpoint(),
    }),
    witnesses: t.field({
      type: [AuditWitness],
      description: 'Each witness as this replica last reached it (as health shows governance).',
      resolve: (_status, _args, { auditLog }) => auditLog.witnesses(),
    }),
    verification: t.field({
      type: AuditVerificationRef,
      description:
        'Reads the whole log: computed at most once a minute per replica, callers in between get the last result (see verifiedAt). Ask for it only when shown.',
      resolve: (_status, _args, { auditLog }) => auditLog.status.verification(),
    }),
  }),
});

builder.queryField('auditLogStatus', (t) =>
  t.field({
    type: AuditLogStatusRef,
    authScopes: { governance: true },
    resolve: () => ({}),
  }),
);
