import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { haproxyAvailable, haproxyConfigPath, readCompose } from './compose-file.ts';

/**
 * docker-compose.yml as Compose would read it (no Docker engine runs here): two replicas of one
 * image on one PostgreSQL, behind HAProxy, sharing the keys; and the HAProxy configuration it mounts.
 */
describe('docker-compose.yml', () => {
  const compose = readCompose();
  const replicas = ['aperture-1', 'aperture-2'] as const;
  const replica = (name: (typeof replicas)[number]) => compose.services[name]!;

  it('runs PostgreSQL, two aperture replicas and a proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['aperture-1', 'aperture-2', 'postgres', 'proxy']);
    for (const name of replicas) {
      expect(replica(name).build).toBe('.');
      // Nothing but the proxy is published.
      expect(replica(name).ports).toBeUndefined();
    }
    expect(compose.services.proxy!.ports).toEqual(['127.0.0.1:4000:4000']);
  });

  it('gives both replicas a valid configuration on the one database, the same keys and the same witness', () => {
    for (const name of replicas) {
      const environment = replica(name).environment!;
      // The settings aperture would start with (validated as at start; the image sets the data folder).
      const config = loadConfig({ ...environment, APERTURE_DATA_DIR: '/data', HOST: '0.0.0.0' });
      expect(config.database).toMatchObject({
        kind: 'postgres',
        url: 'postgresql://aperture:aperture@postgres:5432/aperture',
      });
      expect(config.identity.devIssuerKeyFile).toBe('/data/dev-issuer-key.json');
      expect(config.audit.key).toEqual({
        kind: 'file',
        file: '/data/audit-checkpoint-key.pem',
        createIfMissing: true,
      });
      expect(config.audit.witnesses).toEqual([{ kind: 'file', file: '/data/audit-checkpoints.log' }]);
      expect(replica(name).volumes).toEqual(['aperture-data:/data']);
      // Liveness, not readiness: the proxy asks /ready.
      expect(replica(name).healthcheck!.test).toEqual(['CMD', 'node', 'scripts/docker-healthcheck.mjs']);
    }
    const [one, two] = replicas.map((name) => replica(name).environment!);
    expect({ ...one, APERTURE_SEED_DEMO: 'x' }).toEqual({ ...two, APERTURE_SEED_DEMO: 'x' });
  });

  it('migrates on both replicas (an advisory lock makes it safe) and seeds on the first only, before the second starts', () => {
    expect(replica('aperture-1').environment).toMatchObject({
      APERTURE_MIGRATE_ON_START: 'true',
      APERTURE_SEED_DEMO: 'true',
    });
    expect(replica('aperture-2').environment).toMatchObject({
      APERTURE_MIGRATE_ON_START: 'true',
      APERTURE_SEED_DEMO: 'false',
    });
    expect(replica('aperture-1').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(replica('aperture-2').depends_on).toEqual({ 'aperture-1': { condition: 'service_healthy' } });
    expect(readFileSync('src/db/migrations/apply-migrations.ts', 'utf8')).toContain('pg_advisory_lock');
  });

  it('mounts the HAProxy configuration, which balances over each replica by GET /ready', () => {
    const mount = compose.services.proxy!.volumes!.find((volume) => volume.includes('haproxy.cfg'));
    expect(mount).toBe(`./${haproxyConfigPath}:/usr/local/etc/haproxy/haproxy.cfg:ro`);
    expect(existsSync(haproxyConfigPath)).toBe(true);
    const cfg = readFileSync(haproxyConfigPath, 'utf8');
    expect(cfg).toMatch(/^\s*balance roundrobin$/m);
    expect(cfg).toMatch(/^\s*option httpchk GET \/ready$/m);
    expect(cfg).toMatch(/^\s*http-check expect status 200$/m);
    expect(cfg).toMatch(/^\s*bind :4000$/m);
    for (const name of replicas) expect(cfg).toMatch(new RegExp(`^\\s*server ${name} ${name}:4000$`, 'm'));
    expect(cfg).toMatch(/^\s*default-server check /m);
  });

  it.skipIf(!haproxyAvailable)('holds an HAProxy configuration that haproxy -c accepts', () => {
    const check = spawnSync('haproxy', ['-c', '-f', haproxyConfigPath], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('Configuration file is valid');
    expect(check.status).toBe(0);
  });
});
