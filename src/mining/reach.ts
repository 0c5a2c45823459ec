import { type DecisionTable, SIDE_HUMAN, SIDE_RESOURCE } from './decision-table.ts';

/**
 * What a suggestion would allow (or deny) beyond what humans ever decided, approximated within
 * the log: the humans are the distinct requester snapshots seen in the mined decisions, the
 * resources the distinct resource snapshots; a pair is matched when the human matches the
 * suggestion's requester conditions and the resource its resource conditions (request conditions,
 * such as intent, are left out: they are not properties of either); a pair is decided when some
 * decision involved both. People and resources that never appear in the log are not counted, and
 * a person whose attributes changed counts once per snapshot.
 */
export interface Reach {
  /** Human snapshots matching the requester conditions. */
  humans: number;
  /** Resource snapshots matching the resource conditions. */
  resources: number;
  /** humans × resources. */
  pairs: number;
  /** Matched pairs that some human decision covered. */
  decidedPairs: number;
  /** Matched pairs no human ever decided: the reach beyond the log. */
  undecidedPairs: number;
}

/** Counts reach for many suggestions over the profiles of one set of decisions. */
export class ReachCounter {
  private readonly humanProfiles: Uint32Array;
  private readonly resourceProfiles: Uint32Array;

  constructor(
    private readonly table: DecisionTable,
    rows: Uint32Array,
  ) {
    const humans = new Uint8Array(table.humanProfiles.length);
    const resources = new Uint8Array(table.resourceProfiles.length);
    for (const row of rows) {
      humans[table.humanProfile[row]!] = 1;
      resources[table.resourceProfile[row]!] = 1;
    }
    this.humanProfiles = indicesOf(humans);
    this.resourceProfiles = indicesOf(resources);
  }

  /** The requester and resource items of an itemset (ascending), in that order. */
  sidesOf(items: Uint32Array): { human: Uint32Array; resource: Uint32Array } {
    return {
      human: items.filter((item) => this.table.itemSide[item] === SIDE_HUMAN),
      resource: items.filter((item) => this.table.itemSide[item] === SIDE_RESOURCE),
    };
  }

  /**
   * Reach of conditions `human` and `resource` (item lists), given `decidedRows`: the decisions
   * matching exactly those requester and resource conditions.
   */
  count(human: Uint32Array, resource: Uint32Array, decidedRows: Uint32Array): Reach {
    const { table } = this;
    let humans = 0;
    for (const profile of this.humanProfiles)
      if (containsAll(table.humanProfiles[profile]!, human)) humans += 1;
    let resources = 0;
    for (const profile of this.resourceProfiles) {
      if (containsAll(table.resourceProfiles[profile]!, resource)) resources += 1;
    }
    const width = table.resourceProfiles.length;
    const decided = new Set<number>();
    for (const row of decidedRows)
      decided.add(table.humanProfile[row]! * width + table.resourceProfile[row]!);
    const pairs = humans * resources;
    return { humans, resources, pairs, decidedPairs: decided.size, undecidedPairs: pairs - decided.size };
  }
}

function indicesOf(marks: Uint8Array): Uint32Array {
  const indices: number[] = [];
  marks.forEach((mark, index) => {
    if (mark) indices.push(index);
  });
  return Uint32Array.from(indices);
}

function containsAll(sorted: Uint32Array, wanted: Uint32Array): boolean {
  let at = 0;
  for (const item of wanted) {
    while (at < sorted.length && sorted[at]! < item) at += 1;
    if (at === sorted.length || sorted[at] !== item) return false;
  }
  return true;
}
