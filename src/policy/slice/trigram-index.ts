/**
 * Case-insensitive substring search over a fixed list of texts, without scanning them all: each
 * text is indexed by the three-character sequences it contains; a query only checks the texts that
 * hold its rarest sequence. Built once per catalog version; pure and in memory.
 */
export class TrigramIndex {
  private readonly postings: Map<number, Int32Array>;
  /** Recent answers: agents page through and repeat the same searches; texts never change. */
  private readonly recent = new Map<string, number[]>();

  /** `texts` must already be lowercased; positions in it are what `search` returns. */
  constructor(private readonly texts: readonly string[]) {
    const building = new Map<number, number[]>();
    texts.forEach((text, position) => {
      for (let start = 0; start + 3 <= text.length; start += 1) {
        const key = trigramKey(text, start);
        const list = building.get(key);
        if (!list) building.set(key, [position]);
        // Texts are added in order, so a repeated trigram of this text is always the last entry.
        else if (list[list.length - 1] !== position) list.push(position);
      }
    });
    this.postings = new Map();
    for (const [key, list] of building) this.postings.set(key, Int32Array.from(list));
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
    if (needle.length < 3) return this.scan(needle);
    let rarest: Int32Array | undefined;
    for (let start = 0; start + 3 <= needle.length; start += 1) {
      const list = this.postings.get(trigramKey(needle, start));
      if (!list) return [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    const found: number[] = [];
    for (const position of rarest!) if (this.texts[position]!.includes(needle)) found.push(position);
    return found;
  }

  private scan(needle: string): number[] {
    const found: number[] = [];
    this.texts.forEach((text, position) => {
      if (text.includes(needle)) found.push(position);
    });
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
