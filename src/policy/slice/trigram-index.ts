import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Case-insensitive substring search over a fixed list of texts, without scanning them all: each
 * text is indexed by the three-character sequences it contains; a query only checks the texts that
 * hold its rarest sequence. Built once per catalog version; in memory. Until the postings are
 * built (`index`, or `indexInSlices` for millions of texts, which keeps the event loop free),
 * searches scan every text and find exactly the same.
 */
export class TrigramIndex {
  private postings: Map<number, Int32Array> | null = null;
  /** Recent answers: agents page through and repeat the same searches; texts never change. */
  private readonly recent = new Map<string, number[]>();

  /** `texts` must already be lowercased; positions in it are what `search` returns. */
  constructor(private readonly texts: readonly string[]) {}

  /** Whether searches use the postings yet. */
  get indexed(): boolean {
    return this.postings !== null;
  }

  /** Builds the postings now. */
  index(): this {
    const building = new Map<number, number[]>();
    this.addTexts(building, 0, this.texts.length);
    this.postings = frozen(building);
    return this;
  }

  /** Builds the postings a slice of texts at a time, yielding to the event loop between slices. */
  async indexInSlices(sliceSize = 5_000): Promise<void> {
    const building = new Map<number, number[]>();
    for (let start = 0; start < this.texts.length; start += sliceSize) {
      this.addTexts(building, start, Math.min(this.texts.length, start + sliceSize));
      await nextTurn();
    }
    this.postings = frozen(building);
  }

  private addTexts(building: Map<number, number[]>, from: number, to: number): void {
    for (let position = from; position < to; position += 1) {
      const text = this.texts[position]!;
      for (let start = 0; start + 3 <= text.length; start += 1) {
        const key = trigramKey(text, start);
        const list = building.get(key);
        if (!list) building.set(key, [position]);
        // Texts are added in order, so a repeated trigram of this text is always the last entry.
        else if (list[list.length - 1] !== position) list.push(position);
      }
    }
  }

  /** Positions (ascending) of the texts containing `query`; every position for an empty query. */
  search(query: string): readonly number[] {
    const needle = query.toLowerCase();
    const known = this.recent.get(needle);
    if (known) return known;
    const found = this.find(needle);
    if (this.recent.size >= 500) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(needle, found);
    return found;
  }

  private find(needle: string): number[] {
    const postings = this.postings;
    if (needle.length < 3 || !postings) return this.scan(needle);
    let rarest: Int32Array | undefined;
    for (let start = 0; start + 3 <= needle.length; start += 1) {
      const list = postings.get(trigramKey(needle, start));
      if (!list) return [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    const found: number[] = [];
    for (const position of rarest!) if (this.texts[position]!.includes(needle)) found.push(position);
    return found;
  }

  private scan(needle: string): number[] {
    const found: number[] = [];
    for (let position = 0; position < this.texts.length; position += 1)
      if (this.texts[position]!.includes(needle)) found.push(position);
    return found;
  }
}

/** Three UTF-16 code units as one exact number (below 2^48). */
function trigramKey(text: string, start: number): number {
  return (
    text.charCodeAt(start) * 0x1_0000_0000 +
    text.charCodeAt(start + 1) * 0x1_0000 +
    text.charCodeAt(start + 2)
  );
}

function frozen(building: Map<number, number[]>): Map<number, Int32Array> {
  const postings = new Map<number, Int32Array>();
  for (const [key, list] of building) postings.set(key, Int32Array.from(list));
  return postings;
}
