import {
  type AuditAgent,
  type AuditEventView,
  type AuditPerson,
  parseAuditEventFilter,
} from '../../audit/read/index.ts';
import { builder } from '../builder.ts';
import { cursorConnection } from './pagination.ts';

const AuditPersonRef = builder.objectRef<AuditPerson>('AuditPerson').implement({
  description: 'The person an event names, as the people store knows them now.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
  }),
});

const AuditAgentRef = builder.objectRef<AuditAgent>('AuditAgent').implement({
  description: 'One hop of the agent chain an event names.',
  fields: (t) => ({
    id: t.exposeID('id'),
    clientId: t.exposeString('clientId', {
      nullable: true,
      description: 'Null when the agent is no longer known.',
    }),
    name: t.exposeString('name', { nullable: true }),
  }),
});

const AuditActorRef = builder.objectRef<AuditEventView>('AuditActor').implement({
  description: 'Who acted: the human, and the agents acting for them (outermost first).',
  fields: (t) => ({
    humanId: t.exposeID('actorHumanId', {
      nullable: true,
      description: 'As the event stores it; null for the system or an agent acting alone.',
    }),
    human: t.expose('human', { type: AuditPersonRef, nullable: true }),
    agentChain: t.exposeStringList('actorChain', {
      description:
        'Agent ids (not client ids) as the event stores them, outermost first; empty for a human alone.',
    }),
    agents: t.expose('agents', {
      type: [AuditAgentRef],
      description: 'The same chain with each agent as it is known now.',
    }),
  }),
});

const AuditSubjectRef = builder.objectRef<{ kind: string; id: string }>('AuditSubject').implement({
  fields: (t) => ({ kind: t.exposeString('kind'), id: t.exposeID('id') }),
});

const AuditEventRef = builder.objectRef<AuditEventView>('AuditEvent').implement({
  description: 'One event of the tamper-evident audit log.',
  fields: (t) => ({
    id: t.id({ description: 'Insertion order; the cursor.', resolve: (event) => event.id.toString() }),
    index: t.string({
      nullable: true,
      description:
        'The place in the Merkle log (a decimal string: the log may outgrow a 32-bit Int); null until sequenced, within a second.',
      resolve: (event) => event.index?.toString() ?? null,
    }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    type: t.exposeString('type', { description: 'Dotted event type, e.g. token.exchanged, grant.revoked.' }),
    actor: t.field({ type: AuditActorRef, resolve: (event) => event }),
    intent: t.exposeString('intent', { nullable: true }),
    subject: t.field({
      type: AuditSubjectRef,
      nullable: true,
      resolve: ({ subjectKind, subjectId }) =>
        subjectKind && subjectId ? { kind: subjectKind, id: subjectId } : null,
    }),
    policyVersion: t.exposeInt('policyVersion', { nullable: true }),
    payload: t.expose('payload', { type: 'JSON' }),
    leafHash: t.exposeString('leafHash', {
      nullable: true,
      description: 'RFC 9162 leaf hash (hex) of the event at its index; null until sequenced.',
    }),
  }),
});

const AuditSubjectInput = builder.inputType('AuditSubjectInput', {
  fields: (t) => ({ kind: t.string({ required: true }), id: t.id({ required: true }) }),
});

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  description:
    'Each list matches any of its values; the fields combine with AND; a missing or empty list does not filter.',
  fields: (t) => ({
    humans: t.idList({ required: false, description: 'Person ids or emails.' }),
    agents: t.stringList({
      required: false,
      description: 'Agent ids or OAuth client ids, matched anywhere in the chain (sub-agents too).',
    }),
    intents: t.stringList({ required: false }),
    types: t.stringList({ required: false, description: 'Exact event types, e.g. grant.created.' }),
    subjects: t.field({ type: [AuditSubjectInput], required: false }),
    from: t.field({ type: 'DateTime', required: false, description: 'occurredAt at or after (inclusive).' }),
    to: t.field({ type: 'DateTime', required: false, description: 'occurredAt before (exclusive).' }),
  }),
});

builder.queryFields((t) => ({
  auditEvents: t.connection({
    type: AuditEventRef,
    authScopes: { governance: true },
    description:
      'The audit log, newest first by insertion (events not yet sequenced included, with a null index). first/last at most 200, default 50.',
    args: { filter: t.arg({ type: AuditEventFilter, required: false }) },
    resolve: (_root, { filter, ...args }, { auditLog }) => {
      const parsed = parseAuditEventFilter(filter);
      const reader = auditLog.events();
      // No totalCount field: counting a filtered log of millions of events per page is not worth it.
      return cursorConnection(
        args,
        async (page) => ({ items: await reader.page(parsed, page), totalCount: 0 }),
        (event) => event.id.toString(),
      );
    },
  }),
}));
