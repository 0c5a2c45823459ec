declare const advisoryLockBrand: unique symbol;

/** The key of a transaction-level advisory lock; only `advisoryLocks` makes one. */
export type AdvisoryLockName = string & { readonly [advisoryLockBrand]: true };

const named = (name: string) => name as AdvisoryLockName;

/**
 * Every advisory lock aperture takes (the key is hashed with `hashtext`). The strings are stored
 * nowhere but in PostgreSQL's lock table while held: replicas of one version must agree on them, so
 * change one only with every replica stopped. See index.ts for the order in which they are taken.
 */
export const advisoryLocks = {
  /** Imports of one catalog origin queue up: each diffs against what the one before wrote. */
  catalogImport: (origin: string) => named(`aperture-import:${origin}`),
  /** One new policy set version at a time. */
  policies: named('aperture-policies'),
  /** One new rule set version at a time (also accepting a rule suggestion). */
  rules: named('aperture-rules'),
  /** Governance's consent settings change one at a time (each audited against the one before). */
  consentSettings: named('aperture-consent-settings'),
  /** One mining result stored at a time. */
  mining: named('aperture-mining'),
  /** Filing requests of one agent: the hourly rate limit counts what committed before. */
  requestsOfAgent: (agentId: string) => named(`requests:agent:${agentId}`),
  /** Filing requests of one person, through any agent: the same, per person. */
  requestsOfHuman: (humanId: string) => named(`requests:human:${humanId}`),
  /** One audit log sequencer across replicas, per batch. */
  auditSequencer: named('aperture:audit-sequencer'),
} as const;

/**
 * The session advisory lock of migrations (a number, not a name): the key Prisma Migrate uses, so
 * our runner and Prisma's never run at once. Taken on a connection of its own, before anything else.
 */
export const migrationLockKey = 72707369;
