import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { ApertureError } from '../../shared/errors.ts';
import { devIssuer } from './identity-provider-config.ts';

interface DevIssuerKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The development identity provider: an Ed25519 key in a file beside the embedded database, so
 * `aperture dev-token` can sign human tokens while the server (another process) verifies them.
 * Only when the configuration turns it on (development only); the server refuses this issuer otherwise.
 */
export async function loadOrCreateDevIssuerKey(file: string): Promise<DevIssuerKey> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DevIssuerKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const key: DevIssuerKey = {
    kid: randomUUID(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, JSON.stringify(key), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return JSON.parse(await readFile(file, 'utf8')) as DevIssuerKey;
    throw error;
  }
}

export interface DevTokenRequest {
  email: string;
  audience: string;
  ttlSeconds: number;
}

/** Where the development issuer stands, as the configuration says (see devIssuerAvailability). */
export interface DevIssuerSettings {
  devIssuerKeyFile: string | null;
  devIssuerOff: string | null;
}

export async function issueDevToken(settings: DevIssuerSettings, request: DevTokenRequest): Promise<string> {
  if (!settings.devIssuerKeyFile) {
    throw new ApertureError('FORBIDDEN', settings.devIssuerOff ?? 'the development issuer is off');
  }
  const key = await loadOrCreateDevIssuerKey(settings.devIssuerKeyFile);
  return new SignJWT({ email: request.email.toLowerCase() })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setIssuer(devIssuer)
    .setSubject(request.email.toLowerCase())
    .setAudience(request.audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${request.ttlSeconds}s`)
    .sign(await importJWK(key.privateJwk, 'EdDSA'));
}
