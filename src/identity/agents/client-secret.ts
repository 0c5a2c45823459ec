import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: ~40 ms per verification on a server core; new hashes may raise it. */
const cost = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;

export function generateClientId(): string {
  return `agt_${randomBytes(12).toString('base64url')}`;
}

/** A 256-bit secret, shown once. */
export function generateClientSecret(): string {
  return `aps_${randomBytes(32).toString('base64url')}`;
}

function deriveKey(
  secret: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, { ...params, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash`, parameters kept with the hash so they can change later. */
export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveKey(secret, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a secret against a stored hash. */
export async function verifyClientSecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await deriveKey(secret, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * A hash of a secret that no real credential matches, verified when the client id is unknown so
 * that unknown ids and wrong secrets cost the same time.
 */
export const unmatchableSecretHash = await hashClientSecret(randomBytes(32).toString('base64url'));

/**
 * Remembers recent successful verifications (keyed by an HMAC under a per-process key, never the
 * secret itself) so that an agent exchanging many tokens pays scrypt once per credential.
 */
export class VerifiedSecretCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, number>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  private fingerprint(credentialId: string, secret: string): string {
    return createHmac('sha256', this.key)
      .update(credentialId)
      .update('\0')
      .update(secret)
      .digest('base64url');
  }

  has(credentialId: string, secret: string): boolean {
    const fingerprint = this.fingerprint(credentialId, secret);
    const expires = this.entries.get(fingerprint);
    if (expires === undefined) return false;
    if (expires < Date.now()) {
      this.entries.delete(fingerprint);
      return false;
    }
    return true;
  }

  remember(credentialId: string, secret: string): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(this.fingerprint(credentialId, secret), Date.now() + this.ttlMs);
  }

  clear(): void {
    this.entries.clear();
  }
}
