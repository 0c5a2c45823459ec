import type { AuditBatcher } from '../audit/index.ts';
import type { ViewerAuthenticator } from '../identity/authenticator.ts';
import type { PepClientService } from '../identity/pep-clients/pep-client-service.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import type { RequestsModule } from '../requests/requests-module.ts';
import type { DenialBindings } from './denial-binding.ts';

/** What the AuthZEN door calls: the same modules as every other door. */
export interface AuthzenModules {
  authenticator: ViewerAuthenticator;
  pepClients: PepClientService;
  access: AccessService;
  requests: RequestsModule;
  bindings: DenialBindings;
  auditBatcher: AuditBatcher;
  logger: Logger;
  publicUrl: string | null;
}
