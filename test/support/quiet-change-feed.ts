import type { ChangeFeed } from '../../src/db/change-feed.ts';

/** A change feed that is always heard and never says anything: for modules tested on their own. */
export const quietChangeFeed: ChangeFeed = {
  reliable: true,
  subscribe: () => () => undefined,
  close: async () => undefined,
};
