import { CONSENT_NONE, CONSENT_NOT_ME } from './decision-consent.ts';
import type { AttributeSide } from './rule-condition.ts';

/** Side codes stored per item. */
export const SIDE_HUMAN = 0;
export const SIDE_RESOURCE = 1;
export const SIDE_REQUEST = 2;
const sideCode: Record<AttributeSide, number> = {
  human: SIDE_HUMAN,
  resource: SIDE_RESOURCE,
  request: SIDE_REQUEST,
};

/** An attribute of the table, e.g. `human.department` (multi-valued ones are tested with "contains"). */
export interface TableAttribute {
  name: string;
  side: AttributeSide;
  multiValued: boolean;
}

/**
 * Decisions dictionary-encoded into typed arrays: every `attribute = value` pair is an integer
 * *item*, and each decision is the sorted list of its items. This is what lets the miner count
 * a million decisions in seconds and a few hundred MiB.
 */
export interface DecisionTable {
  readonly size: number;
  readonly ids: readonly string[];
  /** 1 when the human approved, 0 when denied. */
  readonly approved: Uint8Array;
  /** Epoch milliseconds; NaN when unknown. */
  readonly decidedAt: Float64Array;
  /** The person's consent code per decision (`decision-consent.ts`; 0 when not asked). */
  readonly consent: Uint8Array;
  /** Index into `approvers` / `teams`; -1 when unknown. */
  readonly approver: Int32Array;
  readonly team: Int32Array;
  readonly approvers: readonly string[];
  readonly teams: readonly string[];
  /** Items of decision `d` are `items[itemStart[d]] .. items[itemStart[d + 1] - 1]`, ascending. */
  readonly itemStart: Uint32Array;
  readonly items: Uint32Array;
  /** Per item: its attribute (index into `attributes`), its value, its side code. */
  readonly itemAttribute: Uint32Array;
  readonly itemValue: readonly string[];
  readonly itemSide: Uint8Array;
  readonly attributes: readonly TableAttribute[];
  /**
   * A profile is a distinct set of items of one side: each distinct requester snapshot is a
   * human profile, each distinct resource snapshot a resource profile (used for reach).
   */
  readonly humanProfile: Uint32Array;
  readonly resourceProfile: Uint32Array;
  readonly humanProfiles: readonly Uint32Array[];
  readonly resourceProfiles: readonly Uint32Array[];
}

/** The item of `attribute = value`, or undefined when no decision has it. */
export function findItem(table: DecisionTable, attribute: string, value: string): number | undefined {
  return itemLookup(table).get(attribute)?.get(value);
}

const lookups = new WeakMap<DecisionTable, Map<string, Map<string, number>>>();
function itemLookup(table: DecisionTable): Map<string, Map<string, number>> {
  let lookup = lookups.get(table);
  if (!lookup) {
    lookup = new Map();
    for (let item = 0; item < table.itemValue.length; item += 1) {
      const name = table.attributes[table.itemAttribute[item]!]!.name;
      let values = lookup.get(name);
      if (!values) {
        values = new Map();
        lookup.set(name, values);
      }
      values.set(table.itemValue[item]!, item);
    }
    lookups.set(table, lookup);
  }
  return lookup;
}

/** Whether decision `decision` has every one of `items` (ascending). */
export function hasAllItems(table: DecisionTable, decision: number, items: ArrayLike<number>): boolean {
  let at = table.itemStart[decision]!;
  const end = table.itemStart[decision + 1]!;
  for (let index = 0; index < items.length; index += 1) {
    const wanted = items[index]!;
    while (at < end && table.items[at]! < wanted) at += 1;
    if (at === end || table.items[at] !== wanted) return false;
  }
  return true;
}

/**
 * Splits decisions (ascending indices; all when omitted) into those the miner counts and those a
 * person called "not me", both ascending. Returns `rows` itself when it holds no "not me" decision.
 */
export function splitNotMe(
  table: DecisionTable,
  rows?: Uint32Array,
): { counted: Uint32Array; notMe: Uint32Array } {
  const all = rows ?? Uint32Array.from({ length: table.size }, (_, index) => index);
  let notMeCount = 0;
  for (const row of all) if (table.consent[row] === CONSENT_NOT_ME) notMeCount += 1;
  if (notMeCount === 0) return { counted: all, notMe: new Uint32Array(0) };
  const counted = new Uint32Array(all.length - notMeCount);
  const notMe = new Uint32Array(notMeCount);
  let countedAt = 0;
  let notMeAt = 0;
  for (const row of all) {
    if (table.consent[row] === CONSENT_NOT_ME) notMe[notMeAt++] = row;
    else counted[countedAt++] = row;
  }
  return { counted, notMe };
}

/** A Uint32Array that grows by doubling. */
class GrowingArray {
  values = new Uint32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const larger = new Uint32Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }
  toArray(): Uint32Array {
    return this.values.slice(0, this.length);
  }
}

/** Interns strings to dense indices. */
class Interner {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  intern(name: string): number {
    let id = this.index.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.index.set(name, id);
    }
    return id;
  }
}

/** Interns item sets of one side into profiles. */
class ProfileInterner {
  readonly profiles: Uint32Array[] = [];
  private readonly index = new Map<string, number>();
  intern(items: number[]): number {
    const key = items.join(',');
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.profiles.length;
      this.profiles.push(Uint32Array.from(items));
      this.index.set(key, id);
    }
    return id;
  }
}

/**
 * Builds a {@link DecisionTable} one decision at a time: `addDecision(...)`, then `addValue(...)`
 * for each of its attribute values. Empty strings are treated as absent.
 */
export class DecisionTableBuilder {
  private readonly ids: string[] = [];
  private readonly approved = new GrowingArray();
  private decidedAt = new Float64Array(1024);
  private readonly consent = new GrowingArray();
  private readonly approver = new GrowingArray();
  private readonly team = new GrowingArray();
  private readonly approverNames = new Interner();
  private readonly teamNames = new Interner();
  private readonly itemStart = new GrowingArray();
  private readonly items = new GrowingArray();
  private readonly itemAttribute = new GrowingArray();
  private readonly itemValue: string[] = [];
  private readonly itemSide = new GrowingArray();
  private readonly attributes: TableAttribute[] = [];
  private readonly attributeIndex = new Map<string, { id: number; values: Map<string, number> }>();
  private readonly humanProfile = new GrowingArray();
  private readonly resourceProfile = new GrowingArray();
  private readonly humanProfiles = new ProfileInterner();
  private readonly resourceProfiles = new ProfileInterner();
  private open = false;

  /**
   * Starts a decision. `decidedAt` is epoch milliseconds (NaN when unknown); `consent` a code of
   * `decision-consent.ts` (default: not asked).
   */
  addDecision(
    id: string,
    approved: boolean,
    decidedAt: number,
    approver: { id: string; team: string | null } | null,
    consent = CONSENT_NONE,
  ): void {
    if (this.open) this.closeDecision();
    const index = this.ids.length;
    this.ids.push(id);
    this.approved.push(approved ? 1 : 0);
    if (index === this.decidedAt.length) {
      const larger = new Float64Array(this.decidedAt.length * 2);
      larger.set(this.decidedAt);
      this.decidedAt = larger;
    }
    this.decidedAt[index] = decidedAt;
    this.consent.push(consent);
    // Stored shifted by one so that 0 means unknown in the unsigned growing arrays.
    this.approver.push(approver ? this.approverNames.intern(approver.id) + 1 : 0);
    this.team.push(approver?.team ? this.teamNames.intern(approver.team) + 1 : 0);
    this.itemStart.push(this.items.length);
    this.open = true;
  }

  /** Adds `attribute = value` to the current decision; `multiValued` attributes are tested with "contains". */
  addValue(attribute: string, side: AttributeSide, value: string, multiValued = false): void {
    if (value === '') return;
    let entry = this.attributeIndex.get(attribute);
    if (!entry) {
      entry = { id: this.attributes.length, values: new Map() };
      this.attributes.push({ name: attribute, side, multiValued });
      this.attributeIndex.set(attribute, entry);
    } else if (multiValued) this.attributes[entry.id]!.multiValued = true;
    let item = entry.values.get(value);
    if (item === undefined) {
      item = this.itemValue.length;
      entry.values.set(value, item);
      this.itemValue.push(value);
      this.itemAttribute.push(entry.id);
      this.itemSide.push(sideCode[this.attributes[entry.id]!.side]);
    }
    this.items.push(item);
  }

  /** Sorts and de-duplicates the open decision's items and records its profiles. */
  private closeDecision(): void {
    const start = this.itemStart.values[this.ids.length - 1]!;
    const values = this.items.values;
    let end = this.items.length;
    for (let at = start + 1; at < end; at += 1) {
      const current = values[at]!;
      let back = at - 1;
      while (back >= start && values[back]! > current) {
        values[back + 1] = values[back]!;
        back -= 1;
      }
      values[back + 1] = current;
    }
    let kept = start;
    for (let at = start; at < end; at += 1) {
      if (at === start || values[at] !== values[kept - 1]) values[kept++] = values[at]!;
    }
    this.items.length = end = kept;
    const sides = this.itemSide.values;
    const human: number[] = [];
    const resource: number[] = [];
    for (let at = start; at < end; at += 1) {
      const item = values[at]!;
      if (sides[item] === SIDE_HUMAN) human.push(item);
      else if (sides[item] === SIDE_RESOURCE) resource.push(item);
    }
    this.humanProfile.push(this.humanProfiles.intern(human));
    this.resourceProfile.push(this.resourceProfiles.intern(resource));
    this.open = false;
  }

  build(): DecisionTable {
    if (this.open) this.closeDecision();
    const size = this.ids.length;
    this.itemStart.push(this.items.length);
    const shifted = (array: GrowingArray) => Int32Array.from(array.toArray(), (value) => value - 1);
    return {
      size,
      ids: this.ids,
      approved: Uint8Array.from(this.approved.toArray()),
      decidedAt: this.decidedAt.slice(0, size),
      consent: Uint8Array.from(this.consent.toArray()),
      approver: shifted(this.approver),
      team: shifted(this.team),
      approvers: this.approverNames.names,
      teams: this.teamNames.names,
      itemStart: this.itemStart.toArray(),
      items: this.items.toArray(),
      itemAttribute: this.itemAttribute.toArray(),
      itemValue: this.itemValue,
      itemSide: Uint8Array.from(this.itemSide.toArray()),
      attributes: this.attributes,
      humanProfile: this.humanProfile.toArray(),
      resourceProfile: this.resourceProfile.toArray(),
      humanProfiles: this.humanProfiles.profiles,
      resourceProfiles: this.resourceProfiles.profiles,
    };
  }
}
