export { appendAuditEvent, recordAuditEvent } from './append-audit-event.ts';
export { type AuditActor, type AuditEventInput, genesisHash, hashEvent } from './audit-event.ts';
export { type ChainVerification, verifyAuditChain } from './verify-audit-chain.ts';
