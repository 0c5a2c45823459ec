/**
 * A map from non-negative integer keys (below 2^53) to small integers, in typed arrays with open
 * addressing: the miner stores hundreds of thousands of pair statuses, which a `Map` would hold
 * in far more memory and look up more slowly.
 */
export class NumberMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  /** How many keys are stored. */
  size = 0;

  constructor(expectedKeys = 1024) {
    let capacity = 1024;
    while (capacity < expectedKeys * 2) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(-1);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  set(key: number, value: number): void {
    let slot = hashKey(key) & this.mask;
    for (;;) {
      const current = this.keys[slot]!;
      if (current === key) break;
      if (current === -1) {
        this.keys[slot] = key;
        this.size += 1;
        break;
      }
      slot = (slot + 1) & this.mask;
    }
    this.values[slot] = value;
    if (this.size * 2 > this.keys.length) this.grow();
  }

  /** The value of `key`, or `missing`. */
  get(key: number, missing = -1): number {
    let slot = hashKey(key) & this.mask;
    for (;;) {
      const current = this.keys[slot]!;
      if (current === key) return this.values[slot]!;
      if (current === -1) return missing;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { keys, values } = this;
    const capacity = keys.length * 2;
    this.keys = new Float64Array(capacity).fill(-1);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let old = 0; old < keys.length; old += 1) {
      const key = keys[old]!;
      if (key === -1) continue;
      let slot = hashKey(key) & this.mask;
      while (this.keys[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.values[slot] = values[old]!;
    }
  }
}

/** Mixes both 32-bit halves of a key (murmur3's finaliser). */
function hashKey(key: number): number {
  let hash = (key >>> 0) ^ Math.imul((key / 4_294_967_296) | 0, 0x9e3779b1);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
