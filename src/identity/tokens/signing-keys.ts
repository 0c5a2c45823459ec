import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';

export const signingAlgorithm = 'EdDSA';

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

interface LoadedKeys {
  signing: { kid: string; key: KeyLike };
  jwks: JSONWebKeySet;
  verify: ReturnType<typeof createLocalJWKSet>;
}

/**
 * aperture's token-signing keys (Ed25519), kept in the database so every replica signs and
 * verifies with the same set. The newest key signs; every key not retired verifies, so tokens
 * stay valid across a rotation. Created on first use.
 */
export class SigningKeys {
  private loaded: Promise<LoadedKeys> | undefined;
  private lastReload = 0;

  constructor(private readonly prisma: PrismaClient) {}

  private load(): Promise<LoadedKeys> {
    this.loaded ??= this.readOrCreate().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /**
   * Forget the keys: a key was added or retired (the `keys` change topic). Never throttled: a
   * retirement must stop its tokens at once, even right after a reload.
   */
  forget(): void {
    this.loaded = undefined;
  }

  /** Forget the keys (another replica may have added one); throttled so unknown `kid`s cannot force a reload storm. */
  reloadSoon(): boolean {
    if (Date.now() - this.lastReload < 5_000) return false;
    this.lastReload = Date.now();
    this.loaded = undefined;
    return true;
  }

  async signingKey() {
    return (await this.load()).signing;
  }

  async jwks(): Promise<JSONWebKeySet> {
    return (await this.load()).jwks;
  }

  async verificationKeys() {
    return (await this.load()).verify;
  }

  private async readOrCreate(): Promise<LoadedKeys> {
    let rows = await activeKeys(this.prisma);
    if (rows.length === 0) {
      await createKey(this.prisma);
      rows = await activeKeys(this.prisma);
    }
    const newest = rows[0]!;
    const publicKeys = rows.map((row) => ({
      ...(row.publicJwk as JWK),
      kid: row.kid,
      alg: signingAlgorithm,
      use: 'sig',
    }));
    const jwks = { keys: publicKeys };
    return {
      signing: { kid: newest.kid, key: await importJWK(newest.privateJwk as JWK, signingAlgorithm) },
      jwks,
      verify: createLocalJWKSet(jwks),
    };
  }
}

/** Newest first: the first key not retired is the one that signs. */
export const newestKeyFirst = [
  { createdAt: 'desc' },
  { kid: 'desc' },
] satisfies Prisma.SigningKeyOrderByWithRelationInput[];

function activeKeys(prisma: PrismaClient) {
  return prisma.signingKey.findMany({
    where: { retiredAt: null },
    orderBy: newestKeyFirst,
  });
}

/** A new Ed25519 key pair, stored; it signs from its creation on (the newest key signs). */
export async function createKey(prisma: PrismaClient | Prisma.TransactionClient): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair(signingAlgorithm, {
    crv: 'Ed25519',
    extractable: true,
  });
  const kid = randomUUID();
  await prisma.signingKey.create({
    data: {
      kid,
      algorithm: signingAlgorithm,
      publicJwk: (await exportJWK(publicKey)) as Prisma.InputJsonObject,
      privateJwk: (await exportJWK(privateKey)) as Prisma.InputJsonObject,
    },
  });
  return kid;
}
