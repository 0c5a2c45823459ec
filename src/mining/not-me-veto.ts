import type { DecisionTable } from './decision-table.ts';
import { buildItemIndex, type ItemIndex, rowsWithAll } from './item-index.ts';

/**
 * The decisions a person called "not me", indexed so that any conjunction can be checked against
 * them. The hard veto of mining: an approve suggestion that matches even one of them is never
 * suggested, whatever its evidence, since it would approve on its own a request that the person
 * it was made for disowned. Those decisions are few, so the index is small and a check costs a
 * couple of short posting-list intersections.
 */
export class NotMeVeto {
  private readonly index: ItemIndex;

  /** @param notMeRows the "not me" decisions of the mined part (ascending). */
  constructor(
    private readonly table: DecisionTable,
    notMeRows: Uint32Array,
  ) {
    this.index = buildItemIndex(table, notMeRows);
  }

  /** "Not me" decisions known: none means nothing is ever vetoed. */
  get size(): number {
    return this.index.rows.length;
  }

  /** The "not me" decisions a conjunction of items matches, ascending. */
  covered(items: ArrayLike<number>): Uint32Array {
    if (this.size === 0) return this.index.rows;
    return rowsWithAll(this.index, items);
  }

  /** Whether an approve rule of these items would approve some request a person called "not me". */
  vetoes(items: ArrayLike<number>): boolean {
    return this.size > 0 && this.covered(items).length > 0;
  }

  /** The ids of the first `count` decisions of `rows` (examples shown with a veto). */
  examples(rows: Uint32Array, count: number): string[] {
    return Array.from(rows.subarray(0, count), (row) => this.table.ids[row]!);
  }
}
