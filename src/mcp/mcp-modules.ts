import type { AuditBatcher } from '../audit/index.ts';
import type { IdentityModule } from '../identity/identity-module.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import type { RequestsModule } from '../requests/requests-module.ts';
import type { VendingModule } from '../vending/vending-module.ts';

/** The domain modules the MCP door calls (the same ones GraphQL calls); built by app/create-services.ts. */
export interface McpModules {
  identity: IdentityModule;
  access: AccessService;
  requests: RequestsModule;
  /** Vended database logins (get_database_credential). */
  vending: VendingModule;
  auditBatcher: AuditBatcher;
  logger: Logger;
}

export interface McpOptions {
  /** The hard size budget of every tool result, in estimated tokens (APERTURE_MCP_RESULT_TOKENS). */
  resultTokens: number;
}
