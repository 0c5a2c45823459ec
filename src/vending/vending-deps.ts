import type { ChangeFeed } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { IdentityState } from '../identity/state/identity-state.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import type { GrantSource } from '../policy/slice/grant-source.ts';
import type { SourceConnections } from './source-connections.ts';
import type { SourceDatabases } from './source-databases.ts';

export interface VendingConfig {
  sources: SourceConnections;
  /** APERTURE_VENDED_ROLE_MAX_SECONDS. */
  maxSeconds: number;
  /** APERTURE_VENDING_SWEEP_SECONDS. */
  sweepSeconds: number;
}

/** What vending reads and writes: aperture's database, the slice, identity, grants, the sources. */
export interface VendingDeps {
  prisma: PrismaClient;
  access: AccessService;
  identity: IdentityState;
  grants: GrantSource;
  changes: ChangeFeed;
  logger: Logger;
  config: VendingConfig;
  maxDelegationDepth: number;
  databases: SourceDatabases;
}
