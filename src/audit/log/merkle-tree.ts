import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1: SHA-256, a 0x00 prefix
 * for leaves and 0x01 for interior nodes, so that a leaf can never pass for a node. Pure functions
 * over leaf hashes; the log stores one leaf hash per event.
 */

export type Hash = Buffer;

export const hashSize = 32;

const leafPrefix = Buffer.from([0x00]);
const nodePrefix = Buffer.from([0x01]);

/** MTH({}) = SHA-256() */
export const emptyRoot: Hash = createHash('sha256').digest();

export function leafHash(entry: Uint8Array): Hash {
  return createHash('sha256').update(leafPrefix).update(entry).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(nodePrefix).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over leaf hashes. */
export function subtreeRoot(leaves: readonly Hash[], start = 0, end = leaves.length): Hash {
  const size = end - start;
  if (size === 0) return emptyRoot;
  if (size === 1) return leaves[start]!;
  const k = splitPoint(size);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** PATH(m, D[0:n]): the audit path proving leaf `index` is in the tree of the first `size` leaves. */
export function inclusionProof(leaves: readonly Hash[], index: number, size = leaves.length): Hash[] {
  if (!Number.isInteger(index) || index < 0 || index >= size || size > leaves.length) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const path: Hash[] = [];
  const walk = (m: number, start: number, end: number) => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(subtreeRoot(leaves, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(subtreeRoot(leaves, start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** PROOF(m, D[0:n]): proves the tree of the first `oldSize` leaves is a prefix of the tree of `newSize`. */
export function consistencyProof(leaves: readonly Hash[], oldSize: number, newSize = leaves.length): Hash[] {
  if (!Number.isInteger(oldSize) || oldSize < 1 || oldSize > newSize || newSize > leaves.length) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  }
  const proof: Hash[] = [];
  // SUBPROOF(m, D[start:end], b): b is true while the old tree is a complete subtree of this one.
  const subproof = (m: number, start: number, end: number, complete: boolean) => {
    const n = end - start;
    if (m === n) {
      if (!complete) proof.push(subtreeRoot(leaves, start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      proof.push(subtreeRoot(leaves, start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      proof.push(subtreeRoot(leaves, start, start + k));
    }
  };
  if (oldSize < newSize) subproof(oldSize, 0, newSize, true);
  return proof;
}

/** RFC 9162 2.1.3.2: does `proof` place `leaf` at `index` in the tree of `size` leaves with `root`? */
export function verifyInclusion(
  leaf: Hash,
  index: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: does `proof` show the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot)? */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Hash[],
  oldRoot: Hash,
  newRoot: Hash,
): boolean {
  if (oldSize < 1 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  let path = [...proof];
  if (isPowerOfTwo(oldSize)) path = [oldRoot, ...path];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}
