/**
 * Every lock aperture takes in PostgreSQL, in one place.
 *
 * **Lock order.** A transaction that holds more than one lock takes them in this order (earlier
 * first), so that two transactions never wait for each other:
 *
 * 0. `migrationLockKey`: a session lock on a connection of its own while migrations run, before the
 *    service takes any other (src/db/migrations/apply-migrations.ts)
 * 1. `catalogImport(origin)` (alone)
 * 2. `policies`, then `rules` (a versioned set; accepting a suggestion takes `rules`, then writes
 *    the suggestion's row)
 * 3. `mining` (then the suggestion rows it writes)
 * 4. `requestsOfAgent(agent)`, then `requestsOfHuman(person)`: always both, in this order, in one
 *    statement (`takeAdvisoryLocks`)
 * 5. the `AccessRequest` row (`lockAccessRequestRow`)
 * 6. the `DelegationToken` row (`lockDelegationTokenRow`, `shareLockDelegationTokenRow`)
 * 7. `auditSequencer`, then the `AuditLog` head row (`lockAuditLogHead`), in a transaction of their
 *    own: appending an audit event takes no lock, so every other transaction may append.
 *
 * The job queue claims rows with `FOR UPDATE SKIP LOCKED` (src/jobs/job-worker.ts): it never waits,
 * so it is outside this order.
 */
export { limitLockWaits, takeAdvisoryLocks, tryAdvisoryLock } from './advisory-locks.ts';
export { type AdvisoryLockName, advisoryLocks, migrationLockKey } from './lock-names.ts';
export {
  type AuditLogHead,
  lockAccessRequestRow,
  lockAuditLogHead,
  lockDelegationTokenRow,
  shareLockDelegationTokenRow,
} from './row-locks.ts';
