/**
 * A verifier written from the specifications alone, sharing no code with src/audit/log: what a
 * third party would write to check aperture's proofs without trusting aperture.
 * - RFC 9162 2.1.1: leaf hash SHA-256(0x00 || entry), node hash SHA-256(0x01 || left || right).
 * - RFC 9162 2.1.3.2: verifying an inclusion proof. 2.1.4.2: verifying a consistency proof.
 * - c2sp.org/signed-note (Ed25519) and c2sp.org/tlog-checkpoint.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const leafHashOf = (entry: Buffer) => sha256(Buffer.from([0]), entry);
const node = (left: Buffer, right: Buffer) => sha256(Buffer.from([1]), left, right);

/** RFC 9162 2.1.3.2, step by step. */
export function inclusionHolds(
  leafIndex: number,
  treeSize: number,
  leaf: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2, step by step. */
export function consistencyHolds(
  firstSize: number,
  secondSize: number,
  proof: readonly Buffer[],
  firstRoot: Buffer,
  secondRoot: Buffer,
): boolean {
  if (firstSize > secondSize) return false;
  if (firstSize === secondSize) return proof.length === 0 && firstRoot.equals(secondRoot);
  // "If first is an exact power of 2, then prepend first_hash to the consistency_path array."
  const path = (firstSize & (firstSize - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  // "If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set."
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

export interface OpenedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

/**
 * Checks a signed note with a verifier key `<name>+<hex key id>+<base64(0x01 || Ed25519 key)>`
 * and reads the checkpoint in it; null when the signature does not verify.
 */
export function openSignedCheckpoint(note: string, verifierKey: string): OpenedCheckpoint | null {
  // The name has no '+', the base64 key may: split at the first two only.
  const [, name, keyIdHex, encoded] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(verifierKey) ?? [];
  const key = Buffer.from(encoded ?? '', 'base64');
  if (!name || key.length !== 33 || key[0] !== 1) return null;
  const keyId = sha256(Buffer.from(`${name}\n`), key).subarray(0, 4);
  if (keyId.toString('hex') !== keyIdHex) return null;
  // An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte DER prefix and the 32-byte key.
  const publicKey = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const signed = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean)
    .some((line) => {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!match || match[1] !== name) return false;
      const bytes = Buffer.from(match[2]!, 'base64');
      return (
        bytes.length === 68 &&
        bytes.subarray(0, 4).equals(keyId) &&
        verify(null, Buffer.from(text), publicKey, bytes.subarray(4))
      );
    });
  if (!signed) return null;
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  return { origin: origin!, size: Number(size), root: Buffer.from(root!, 'base64'), extensions };
}
