import type { InvalidatedCache } from '../db/invalidated-cache.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import type { ConsentSettingsValues } from './consent/confirmation-asked.ts';
import type { RequestsConfig } from './requests-config.ts';
import type { RuleSet } from './rules/rule-store.ts';

/** What the request and grant operations need. */
export interface RequestDeps {
  prisma: PrismaClient;
  access: AccessService;
  /** The current rule set, reloaded when rules change on any replica. */
  rules: InvalidatedCache<RuleSet>;
  config: RequestsConfig;
  /** Governance's consent settings, reloaded when they change on any replica. */
  consentSettings: { get(): Promise<ConsentSettingsValues> };
  governanceGroup: string;
  logger: Logger;
}
