import type { GrantMaximums } from './grants/grant-limits.ts';

/** What the requests room needs from the environment (config/ reads and validates it). */
export interface RequestsConfig {
  grantMaximums: GrantMaximums;
  /** How long a routed request waits for approvers before it expires. */
  pendingSeconds: number;
  maxExtensions: number;
  perAgentPerHour: number;
  perHumanPerHour: number;
}
