export {
  appendAuditEvent,
  appendAuditEvents,
  insertAuditEventsSql,
  recordAuditEvent,
} from './append-audit-event.ts';
export { AuditBatcher } from './audit-batcher.ts';
export type { AuditActor, AuditEventInput } from './audit-event.ts';
export { type Channel, type ChannelName, channelNames, currentChannel, inChannel } from './channel.ts';
