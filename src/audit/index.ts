export { appendAuditEvent, appendAuditEvents, recordAuditEvent } from './append-audit-event.ts';
export { AuditBatcher } from './audit-batcher.ts';
export { type AuditActor, type AuditEventInput, genesisHash, hashEvent } from './audit-event.ts';
export { type ChainVerification, verifyAuditChain } from './verify-audit-chain.ts';
