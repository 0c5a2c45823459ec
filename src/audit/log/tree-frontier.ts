import { emptyRoot, type Hash, nodeHash } from './merkle-tree.ts';

/**
 * The right edge of a Merkle tree: the roots of its perfect subtrees, largest first (one per set bit
 * of the size). Enough to append leaves and compute the root without the leaves themselves, so the
 * sequencer keeps the tree in a few hashes whatever the log's length.
 */
export interface TreeFrontier {
  size: number;
  /** Roots of the perfect subtrees, from the left (largest) to the right (smallest). */
  hashes: Hash[];
}

export const emptyFrontier: TreeFrontier = { size: 0, hashes: [] };

/** The frontier after appending `leaves` (leaf hashes) in order. */
export function appendLeaves(frontier: TreeFrontier, leaves: readonly Hash[]): TreeFrontier {
  const hashes = [...frontier.hashes];
  let size = frontier.size;
  for (const leaf of leaves) {
    let carry = leaf;
    // Like adding one to a binary counter: each trailing set bit merges two equal subtrees.
    for (let bits = size; bits % 2 === 1; bits = Math.floor(bits / 2)) {
      carry = nodeHash(hashes.pop()!, carry);
    }
    hashes.push(carry);
    size += 1;
  }
  return { size, hashes };
}

/** MTH of the tree the frontier describes (RFC 9162: the left subtree is the largest perfect one). */
export function frontierRoot(frontier: TreeFrontier): Hash {
  if (frontier.hashes.length === 0) return emptyRoot;
  let root = frontier.hashes[frontier.hashes.length - 1]!;
  for (let index = frontier.hashes.length - 2; index >= 0; index -= 1) {
    root = nodeHash(frontier.hashes[index]!, root);
  }
  return root;
}
