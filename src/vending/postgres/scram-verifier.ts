import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const iterations = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 7677; PostgreSQL's
 * `scram_build_secret`). aperture sends `CREATE ROLE ... PASSWORD '<verifier>'`, so the password
 * itself never reaches the database's statement log, only what the server would store anyway.
 * The passwords aperture makes are ASCII, which SASLprep leaves as they are.
 */
export async function scramVerifier(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  // 4096 rounds of PBKDF2 take a millisecond or more: off the event loop, in libuv's pool.
  const salted = await pbkdf2Async(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A password of 32 random base64url characters (192 bits; ASCII, so SASLprep keeps it as it is). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** A role name suffix: 16 lowercase letters and digits. */
export function randomRoleSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(16)].map((byte) => alphabet[byte % 32]).join('');
}
