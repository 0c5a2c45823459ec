import type { ChangeFeed, ChangeTopic } from './change-feed.ts';

/**
 * One value loaded from the database and kept until a change notification on one of `topics`
 * (from any replica) says otherwise. While the feed is unreliable every read loads afresh.
 */
export class InvalidatedCache<T> {
  private generation = 0;
  private cached: { generation: number; value: Promise<T> } | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly feed: ChangeFeed,
    topics: readonly ChangeTopic[],
    private readonly load: () => Promise<T>,
  ) {
    this.unsubscribe = feed.subscribe((topic) => {
      if (topic === undefined || topics.includes(topic)) this.invalidate();
    });
  }

  get(): Promise<T> {
    if (!this.feed.reliable) return this.load();
    if (this.cached?.generation === this.generation) return this.cached.value;
    const entry = { generation: this.generation, value: this.load() };
    this.cached = entry;
    entry.value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.value;
  }

  invalidate(): void {
    this.generation += 1;
    this.cached = undefined;
  }

  close(): void {
    this.unsubscribe();
  }
}
