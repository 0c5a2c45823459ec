import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes with Ed25519 (c2sp.org/signed-note): a text ending in a newline, a blank line,
 * then one line per signature, `— <key name> base64(key id || signature)`. The key id is the first
 * four bytes of SHA-256(name || 0x0A || 0x01 || public key). Checkpoints travel in this form, so any
 * tool that speaks the format (witnesses, the Go `note` package) can check them.
 */

const ed25519Type = 0x01;
const signaturePrefix = '\u2014 ';

export interface NoteSigner {
  name: string;
  /** The 32-byte Ed25519 public key. */
  publicKey: Buffer;
  sign(text: string): string;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

export function noteKeyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([ed25519Type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The public half as a verifier key string: `<name>+<key id hex>+<base64(0x01 || public key)>`. */
export function verifierKeyString(name: string, publicKey: Buffer): string {
  const encoded = Buffer.concat([Buffer.from([ed25519Type]), publicKey]).toString('base64');
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${encoded}`;
}

/** Reads a verifier key string; null when it is not one (wrong shape, algorithm or key id). */
export function parseVerifierKey(text: string): NoteVerifier | null {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) return null;
  const [, name, idHex, encoded] = match;
  const key = Buffer.from(encoded!, 'base64');
  if (key.length !== 33 || key[0] !== ed25519Type) return null;
  const publicKey = key.subarray(1);
  const keyId = noteKeyId(name!, publicKey);
  if (keyId.toString('hex') !== idHex) return null;
  return { name: name!, keyId, publicKey };
}

/** A signer from an Ed25519 private key (PKCS#8 PEM, as the key file holds it). */
export function noteSigner(name: string, privateKeyPem: string): NoteSigner {
  if (!/^[^+\s]+$/.test(name)) throw new Error('a note key name has no spaces or plus signs');
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the checkpoint key must be Ed25519');
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const keyId = noteKeyId(name, publicKey);
  return {
    name,
    publicKey,
    sign(text) {
      assertNoteText(text);
      const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
      return `${text}\n${signaturePrefix}${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
    },
  };
}

export interface OpenedNote {
  text: string;
  /** Whether a signature of the verifier's key verified. */
  verified: boolean;
  /** Why the note was refused, when it was. */
  problem?: string;
}

/** Splits a signed note and checks the verifier's signature on it (other keys' lines are ignored). */
export function openNote(note: string, verifier: NoteVerifier): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { text: '', verified: false, problem: 'not a signed note' };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  for (const line of lines) {
    if (!line.startsWith(signaturePrefix))
      return { text, verified: false, problem: 'a malformed signature line' };
    const [name, encoded] = line.slice(signaturePrefix.length).split(' ');
    if (name !== verifier.name || !encoded) continue;
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length !== 4 + 64 || !bytes.subarray(0, 4).equals(verifier.keyId)) continue;
    const ok = verify(
      null,
      Buffer.from(text, 'utf8'),
      publicKeyObject(verifier.publicKey),
      bytes.subarray(4),
    );
    return ok
      ? { text, verified: true }
      : { text, verified: false, problem: 'the signature does not verify' };
  }
  return { text, verified: false, problem: `no signature by ${verifier.name}` };
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new Error('a note text ends with a newline');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the format forbids exactly these
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new Error('a note text has no control characters');
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}
