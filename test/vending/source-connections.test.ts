import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

const adminUrl = 'postgresql://aperture_admin:s3cret-value@db.internal:6432/shop';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('APERTURE_SOURCE_CONNECTIONS', () => {
  it('resolves each source with its defaults from the admin URL', () => {
    const config = loadConfig({
      APERTURE_SOURCE_CONNECTIONS: JSON.stringify({
        shop: { adminUrl },
        'warehouse-2': {
          adminUrl,
          connectHost: 'db.example.com',
          connectPort: 5432,
          rolePrefix: 'ap_wh',
          schema: 'ap',
        },
      }),
    });
    expect(Object.fromEntries(config.vending.sources)).toEqual({
      shop: {
        source: 'shop',
        adminUrl,
        host: 'db.internal',
        port: 6432,
        database: 'shop',
        rolePrefix: 'aperture_shop',
        schema: 'aperture',
      },
      'warehouse-2': {
        source: 'warehouse-2',
        adminUrl,
        host: 'db.example.com',
        port: 5432,
        database: 'shop',
        rolePrefix: 'ap_wh',
        schema: 'ap',
      },
    });
    expect(config.vending).toMatchObject({ maxSeconds: 900, sweepSeconds: 60 });
  });

  it('reads the JSON from a file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-sources-'));
    const file = path.join(dir, 'sources.json');
    await writeFile(file, JSON.stringify({ shop: { adminUrl } }));
    expect([...loadConfig({ APERTURE_SOURCE_CONNECTIONS_FILE: file }).vending.sources.keys()]).toEqual([
      'shop',
    ]);
    expect(configError({ APERTURE_SOURCE_CONNECTIONS_FILE: path.join(dir, 'missing.json') })).toContain(
      'APERTURE_SOURCE_CONNECTIONS_FILE: cannot read',
    );
  });

  it('names the source and field of a bad value, never the value (it holds a password)', () => {
    const message = configError({
      APERTURE_SOURCE_CONNECTIONS: JSON.stringify({
        shop: { adminUrl: 'mysql://root:s3cret-value@x/y', extra: 1 },
      }),
    });
    expect(message).toContain('APERTURE_SOURCE_CONNECTIONS.shop.adminUrl: must be a postgresql:// URL');
    expect(message).toContain('APERTURE_SOURCE_CONNECTIONS.shop');
    expect(message).not.toContain('s3cret-value');
    const notJson = configError({ APERTURE_SOURCE_CONNECTIONS: `{"shop": "${adminUrl}"` });
    expect(notJson).toContain('APERTURE_SOURCE_CONNECTIONS: must be JSON');
    expect(notJson).not.toContain('s3cret-value');
    expect(configError({ APERTURE_VENDED_ROLE_MAX_SECONDS: '5' })).toContain(
      'APERTURE_VENDED_ROLE_MAX_SECONDS',
    );
  });

  it('refuses two sources on one server whose role prefixes overlap (they would end each other’s roles)', () => {
    const message = configError({
      APERTURE_SOURCE_CONNECTIONS: JSON.stringify({
        shop: { adminUrl },
        shop_f: { adminUrl },
        other: { adminUrl: 'postgresql://a:b@elsewhere:5432/shop', rolePrefix: 'aperture_shop' },
      }),
    });
    expect(message).toContain(
      'sources shop and shop_f share a server and their role prefixes overlap (aperture_shop, aperture_shop_f)',
    );
    expect(message).not.toMatch(/and other|other and/);
  });
});
