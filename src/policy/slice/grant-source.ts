import type { AccessGrant } from '../access-context.ts';

/** One delegation: a human, the exact agent chain acting for them, the intent and the task. */
export interface GrantedDelegation {
  humanId: string;
  chain: readonly string[];
  intent: string;
  taskId: string | null;
}

/**
 * Where the slice reads the grants in force: policy owns the shape, the requests room (which makes
 * and ends grants) implements it, so policy imports nothing from requests.
 */
export interface GrantSource {
  /** The grants in force at `now` for this delegation; task-scoped ones only within their task. */
  for(delegation: GrantedDelegation, now: Date): Promise<AccessGrant[]>;
}
