import type { Channel, ChannelName } from '../audit/channel.ts';

/** What a policy or a rule may say about the door of a call; neither field: any door. */
export interface ChannelCondition {
  channels?: readonly ChannelName[] | undefined;
  clients?: readonly string[] | undefined;
}

/**
 * The doors a condition's channel names cover. The console is a GraphQL client over a person's
 * session, so naming `graphql` covers `console` too (a deny naming `graphql` must not be got
 * around through the console); naming `console` alone singles the console out.
 */
export function channelsCovered(names: readonly ChannelName[]): Set<ChannelName> {
  const covered = new Set<ChannelName>(names);
  if (covered.has('graphql')) covered.add('console');
  return covered;
}

/**
 * The condition as a predicate over the call's channel, or null when it names none (it always
 * holds). With the channel unknown (a call from no door), `whenUnknown` decides: deny policies and
 * rules apply then, allows do not, so not knowing the door never widens access.
 */
export function compileChannelCondition(
  condition: ChannelCondition,
  whenUnknown: boolean,
): ((channel: Channel | null) => boolean) | null {
  if (!condition.channels && !condition.clients) return null;
  const names = condition.channels ? channelsCovered(condition.channels) : null;
  const clients = condition.clients ? new Set(condition.clients) : null;
  return (channel) => {
    if (!channel) return whenUnknown;
    return (
      (!names || names.has(channel.name)) &&
      (!clients || (channel.client !== null && clients.has(channel.client)))
    );
  };
}
