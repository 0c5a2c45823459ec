import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The doors a call can come through. `oauth` is the token endpoint; `job` a durable job (timers:
 * expiry, escalation, notices); `cli` the command line (imports, applying sets, mining); `console`
 * a person's browser on the console (GraphQL with the console's session cookie, and its sign-in);
 * `authzen` a policy enforcement point asking the AuthZEN decision endpoints for a subject.
 * A policy or rule naming `graphql` applies through `console` too (see channelsCovered).
 */
export const channelNames = ['graphql', 'mcp', 'slack', 'oauth', 'cli', 'job', 'console', 'authzen'] as const;
export type ChannelName = (typeof channelNames)[number];

/**
 * The door a call came through, and the client software that says it made it (MCP `clientInfo`).
 * The client is what the caller claims: recorded and usable by policies and rules to narrow what
 * they allow, never taken for identity.
 */
export interface Channel {
  name: ChannelName;
  client: string | null;
}

const ambient = new AsyncLocalStorage<Channel>();

/**
 * Runs `work` as a call through `channel`: audit events written inside it (however deep in the
 * domain modules) record the channel, and slices built inside it decide for it.
 */
export function inChannel<T>(channel: Channel, work: () => T): T {
  return ambient.run(channel, work);
}

/** The channel of the call being served; null outside any door (tests, scripts). */
export function currentChannel(): Channel | null {
  return ambient.getStore() ?? null;
}
