import type { Channel, ChannelName } from '../audit/channel.ts';

/** What a policy or a rule may say about the door of a call; neither field: any door. */
export interface ChannelCondition {
  channels?: readonly ChannelName[] | undefined;
  clients?: readonly string[] | undefined;
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
  const names = condition.channels ? new Set<string>(condition.channels) : null;
  const clients = condition.clients ? new Set(condition.clients) : null;
  return (channel) => {
    if (!channel) return whenUnknown;
    return (
      (!names || names.has(channel.name)) &&
      (!clients || (channel.client !== null && clients.has(channel.client)))
    );
  };
}
