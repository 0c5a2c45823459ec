import type { AuditLog } from '../audit/log/audit-log.ts';
import type { CatalogReader } from '../catalog/read/catalog-reader.ts';
import type { Database } from '../db/open-database.ts';
import type { IdentityModule } from '../identity/identity-module.ts';
import type { Viewer } from '../identity/viewer.ts';
import type { Logger } from '../logging/logger.ts';
import type { MiningModule } from '../mining/workflow/mining-service.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import type { PolicyGovernance } from '../policy/store/policy-governance.ts';
import type { RequestsModule } from '../requests/requests-module.ts';
import type { VendingModule } from '../vending/vending-module.ts';

export type { Viewer };

export interface GraphQLContext {
  requestId: string;
  /** Who is calling, decided for this request from its bearer token and the current state. */
  viewer: Viewer;
  /**
   * A subscription's events, passed on only while this request's credential holds: every
   * subscription wraps its source in it (see identity's `whileAuthorized`).
   */
  whileAuthorized<T>(source: AsyncIterable<T>): AsyncIterable<T>;
  /** Every catalog read goes through this reader (the authorization slice will wrap it). */
  catalog: CatalogReader;
  identity: IdentityModule;
  /** Policy decisions (simulation for governance). */
  access: AccessService;
  /** Access requests, decisions, grants, and the rules (governance). */
  requests: RequestsModule;
  /** Rule suggestions mined from decisions, their review and rule simulation (governance). */
  mining: MiningModule;
  /** The policy set, for governance. */
  policies: PolicyGovernance;
  logger: Logger;
  database: Pick<Database, 'kind' | 'sql'>;
  /** The Merkle audit log: witness health, and the events for governance. */
  auditLog: AuditLog;
  /** Vended database logins (role vending). */
  vending: VendingModule;
}
