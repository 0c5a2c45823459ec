import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { issueDevToken } from '../../src/identity/humans/dev-issuer.ts';
import { HumanTokenVerifier } from '../../src/identity/humans/human-token-verifier.ts';
import { runCli } from '../support/spawn-cli.ts';

describe('development issuer', () => {
  it('signs human tokens that the development server trusts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-dev-'));
    const config = loadConfig({ NODE_ENV: 'development', APERTURE_DATA_DIR: dataDir });
    const token = await issueDevToken(config.identity.devIssuerKeyFile, {
      email: 'Ana@Acme.test',
      audience: 'aperture',
      ttlSeconds: 60,
    });
    const verifier = await HumanTokenVerifier.create(config.identity);
    expect(await verifier.verify(token, 'api')).toMatchObject({
      issuer: 'aperture-dev',
      person: { email: 'ana@acme.test' },
    });
  });

  it('is refused outside development mode, by the server and by the CLI', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-dev-'));
    const development = loadConfig({ NODE_ENV: 'development', APERTURE_DATA_DIR: dataDir });
    const token = await issueDevToken(development.identity.devIssuerKeyFile, {
      email: 'ana@acme.test',
      audience: 'aperture',
      ttlSeconds: 60,
    });
    const production = loadConfig({ NODE_ENV: 'production', APERTURE_DATA_DIR: dataDir });
    expect(production.identity.devIssuerKeyFile).toBeNull();
    const verifier = await HumanTokenVerifier.create(production.identity);
    await expect(verifier.verify(token, 'api')).rejects.toThrow(/not issued by a trusted identity provider/);

    const cli = await runCli(['dev-token', '--user', 'ana@acme.test'], {
      NODE_ENV: 'production',
      APERTURE_DATA_DIR: dataDir,
    });
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr).toMatch(/only works in development mode/);
  });
});
