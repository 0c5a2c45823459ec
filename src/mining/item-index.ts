import type { DecisionTable } from './decision-table.ts';

/**
 * An inverted index over a subset of a table's decisions ("rows"): for each item, the ascending
 * list of rows that have it, with how many of them were approved.
 */
export interface ItemIndex {
  readonly table: DecisionTable;
  /** The decisions indexed, ascending. */
  readonly rows: Uint32Array;
  /** Per item: decisions that have it, and how many of those were approved. */
  readonly count: Uint32Array;
  readonly approvedCount: Uint32Array;
  /** Decisions with item `i` are `postings[start[i]] .. postings[start[i + 1] - 1]`. */
  readonly start: Uint32Array;
  readonly postings: Uint32Array;
}

/** Indexes `rows` (ascending decision indices; all decisions when omitted). */
export function buildItemIndex(table: DecisionTable, rows?: Uint32Array): ItemIndex {
  const indexed = rows ?? Uint32Array.from({ length: table.size }, (_, index) => index);
  const itemCount = table.itemValue.length;
  const count = new Uint32Array(itemCount);
  const approvedCount = new Uint32Array(itemCount);
  const { itemStart, items, approved } = table;
  for (const row of indexed) {
    const end = itemStart[row + 1]!;
    const isApproved = approved[row]!;
    for (let at = itemStart[row]!; at < end; at += 1) {
      const item = items[at]!;
      count[item]! += 1;
      approvedCount[item]! += isApproved;
    }
  }
  const start = new Uint32Array(itemCount + 1);
  for (let item = 0; item < itemCount; item += 1) start[item + 1] = start[item]! + count[item]!;
  const postings = new Uint32Array(start[itemCount]!);
  const fill = start.slice(0, itemCount);
  for (const row of indexed) {
    const end = itemStart[row + 1]!;
    for (let at = itemStart[row]!; at < end; at += 1) postings[fill[items[at]!]!++] = row;
  }
  return { table, rows: indexed, count, approvedCount, start, postings };
}

/** The indexed decisions that have every one of `items`, ascending (intersects their posting lists, rarest first). */
export function rowsWithAll(index: ItemIndex, items: ArrayLike<number>): Uint32Array {
  if (items.length === 0) return index.rows;
  const lists = Array.from(items, (item) =>
    index.postings.subarray(index.start[item]!, index.start[item + 1]!),
  );
  lists.sort((a, b) => a.length - b.length);
  let result = lists[0]!;
  for (let at = 1; at < lists.length && result.length > 0; at += 1)
    result = intersectSorted(result, lists[at]!);
  return result;
}

/**
 * The values in both ascending lists. Gallops through `large` when it is much longer than
 * `small`, so a rare item against a common one costs little more than the rare one's length.
 */
export function intersectSorted(small: Uint32Array, large: Uint32Array): Uint32Array {
  const out = new Uint32Array(small.length);
  let size = 0;
  let at = 0;
  const gallop = large.length > small.length * 16;
  for (let index = 0; index < small.length && at < large.length; index += 1) {
    const value = small[index]!;
    if (gallop) {
      let step = 1;
      let high = at;
      while (high < large.length && large[high]! < value) {
        at = high + 1;
        high += step;
        step *= 2;
      }
      high = Math.min(high, large.length);
      while (at < high) {
        const middle = (at + high) >>> 1;
        if (large[middle]! < value) at = middle + 1;
        else high = middle;
      }
    } else {
      while (at < large.length && large[at]! < value) at += 1;
    }
    if (at < large.length && large[at] === value) out[size++] = value;
  }
  return out.slice(0, size);
}
