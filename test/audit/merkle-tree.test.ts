import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  emptyRoot,
  type Hash,
  inclusionProof,
  leafHash,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/log/merkle-tree.ts';
import { appendLeaves, emptyFrontier, frontierRoot } from '../../src/audit/log/tree-frontier.ts';

// The leaves of Certificate Transparency's reference test vectors (RFC 6962 / 9162 hashing).
const vectorLeaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const leaves = vectorLeaves.map((hex) => leafHash(Buffer.from(hex, 'hex')));
const many = Array.from({ length: 70 }, (_, index) => leafHash(Buffer.from(`event ${index}`)));

const hex = (hash: Hash) => hash.toString('hex');

describe('the RFC 9162 Merkle tree', () => {
  it('hashes the empty tree, one leaf and the reference eight-leaf tree as Certificate Transparency does', () => {
    expect(hex(emptyRoot)).toBe(createHash('sha256').digest('hex'));
    expect(hex(subtreeRoot(leaves, 0, 1))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(hex(subtreeRoot(leaves))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('keeps the same root incrementally (frontier) as recomputed from every leaf, at every size', () => {
    let frontier = emptyFrontier;
    for (let size = 1; size <= many.length; size += 1) {
      frontier = appendLeaves(frontier, [many[size - 1]!]);
      expect(hex(frontierRoot(frontier))).toBe(hex(subtreeRoot(many, 0, size)));
    }
    expect(hex(frontierRoot(appendLeaves(emptyFrontier, many)))).toBe(hex(subtreeRoot(many)));
  });

  it('proves every leaf of every tree size, and refuses a proof for another leaf, index or root', () => {
    for (let size = 1; size <= 40; size += 1) {
      const root = subtreeRoot(many, 0, size);
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionProof(many, index, size);
        expect(verifyInclusion(many[index]!, index, size, proof, root)).toBe(true);
        expect(verifyInclusion(many[index + 1]!, index, size, proof, root)).toBe(false);
        if (size > 1)
          expect(verifyInclusion(many[index]!, (index + 1) % size, size, proof, root)).toBe(false);
        expect(verifyInclusion(many[index]!, index, size, proof, many[69]!)).toBe(false);
      }
    }
  });

  it('proves that every smaller tree is a prefix of every larger one, and refuses a changed history', () => {
    for (let newSize = 1; newSize <= 40; newSize += 1) {
      const newRoot = subtreeRoot(many, 0, newSize);
      for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
        const oldRoot = subtreeRoot(many, 0, oldSize);
        const proof = consistencyProof(many, oldSize, newSize);
        expect(verifyConsistency(oldSize, newSize, proof, oldRoot, newRoot)).toBe(true);
        const forked = [...many.slice(0, oldSize - 1), leafHash(Buffer.from('rewritten'))];
        expect(verifyConsistency(oldSize, newSize, proof, subtreeRoot(forked), newRoot)).toBe(false);
      }
    }
  });

  it('refuses proofs for leaves and sizes outside the tree', () => {
    expect(() => inclusionProof(many, 5, 5)).toThrow(RangeError);
    expect(() => consistencyProof(many, 0, 5)).toThrow(RangeError);
    expect(() => consistencyProof(many, 6, 5)).toThrow(RangeError);
    expect(verifyInclusion(many[0]!, 3, 3, [], many[0]!)).toBe(false);
  });
});
