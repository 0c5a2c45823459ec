import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';

describe('configuration from the environment', () => {
  it('defaults to the embedded database with migrations and the demo company', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '.data' });
    expect(config).toMatchObject({
      migrateOnStart: true,
      seedDemo: true,
      http: { host: '127.0.0.1', port: 4000, graphiql: true },
    });
    expect(config.log.format).toBe('pretty');
  });

  it('switches to PostgreSQL with DATABASE_URL; migrations at start only when asked', () => {
    const production = { DATABASE_URL: 'postgresql://db:5432/aperture', NODE_ENV: 'production' };
    expect(() => loadConfig(production)).toThrow(
      /APERTURE_AUDIT_KEY_FILE: production on PostgreSQL needs the checkpoint signing key/,
    );
    const config = loadConfig({ ...production, APERTURE_AUDIT_KEY_FILE: '/run/secrets/audit-key.pem' });
    expect(config.audit).toMatchObject({
      key: { kind: 'file', file: '/run/secrets/audit-key.pem', createIfMissing: false },
      witnesses: [],
      checkpointMs: 1000,
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://db:5432/aperture', poolSize: 10 });
    expect(config).toMatchObject({
      migrateOnStart: false,
      seedDemo: false,
      log: { format: 'json' },
      http: { graphiql: false },
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://db/a', APERTURE_MIGRATE_ON_START: 'true' }).migrateOnStart,
    ).toBe(true);
  });

  it('names every bad variable and its problem', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        APERTURE_SEED_DEMO: 'maybe',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(message).toMatch(/LOG_LEVEL: /);
    expect(message).toMatch(/APERTURE_SEED_DEMO: must be true or false/);
  });

  it('takes a clock offset tolerance of whole milliseconds, 2000 by default', () => {
    expect(loadConfig({}).clock).toEqual({ maxOffsetMs: 2_000 });
    expect(loadConfig({ APERTURE_MAX_CLOCK_OFFSET_MS: '500' }).clock).toEqual({ maxOffsetMs: 500 });
    for (const bad of ['0', '-1', '1.5', 'soon', '3600000']) {
      expect(() => loadConfig({ APERTURE_MAX_CLOCK_OFFSET_MS: bad }), bad).toThrow(
        /APERTURE_MAX_CLOCK_OFFSET_MS: /,
      );
    }
  });

  it('never shows a password in its messages', () => {
    let message = '';
    try {
      loadConfig({
        DATABASE_URL: 'mysql://admin:hunter2@db/x',
        APERTURE_IDENTITY_PROVIDERS: '[{"issuer": "x", "publicKeyPem": "s3cr3t"}]',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /DATABASE_URL: must be a postgresql:\/\/ URL \(got "mysql:\/\/admin:\*\*\*@db\/x"\)/,
    );
    expect(message).toMatch(/APERTURE_IDENTITY_PROVIDERS/);
    expect(message).not.toMatch(/hunter2|s3cr3t/);
  });

  it('trusts the development issuer only in development on the embedded database, or when asked', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).identity.devIssuerKeyFile).toMatch(
      /dev-issuer-key\.json$/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/a' }).identity.devIssuerKeyFile).toBeNull();
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://db/a', APERTURE_DEV_ISSUER: 'true' }).identity
        .devIssuerKeyFile,
    ).not.toBeNull();
    expect(() => loadConfig({ NODE_ENV: 'production', APERTURE_DEV_ISSUER: 'true' })).toThrow(
      /only runs with NODE_ENV=development/,
    );
  });

  it('refuses identity providers that would confuse token uses or identities', () => {
    const provider = { issuer: 'https://idp.example', audience: 'x', jwksUri: 'https://idp.example/jwks' };
    const load = (providers: unknown[]) => () =>
      loadConfig({ APERTURE_IDENTITY_PROVIDERS: JSON.stringify(providers) });
    expect(load([{ ...provider, apiAudience: 'x' }])).toThrow(/must differ/);
    expect(load([{ ...provider, jwksUri: 'http://idp.example/jwks' }])).toThrow(/must be https/);
    expect(
      load([
        { ...provider, claim: 'sub' },
        { ...provider, issuer: 'https://other.example', claim: 'sub' },
      ]),
    ).toThrow(/at most one identity provider may map people by sub/);
    expect(load([{ ...provider, jwksUri: 'http://127.0.0.1:8080/jwks', apiAudience: 'y' }])).not.toThrow();
  });

  it('configures Slack only completely: a bot token, and a signing secret or an app-level token', () => {
    expect(loadConfig({}).slack).toBeNull();
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 'secret-123' })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: needed/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-1', SLACK_SIGNING_SECRET: 'secret-123' })).toThrow(
      /must be a bot token/,
    );
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({
      appToken: 'xapp-1',
      signingSecret: null,
      lookupByEmail: false,
    });
  });

  it('overrides grant maximums one tier and sensitivity at a time', () => {
    const config = loadConfig({ APERTURE_GRANT_MAX_SECONDS: '{"READ":{"RESTRICTED":600}}' });
    expect(config.requests.grantMaximums.READ).toMatchObject({ RESTRICTED: 600, CONFIDENTIAL: 28_800 });
    expect(() => loadConfig({ APERTURE_GRANT_MAX_SECONDS: '{"READ":{"SECRET":1}}' })).toThrow(
      /APERTURE_GRANT_MAX_SECONDS/,
    );
  });
});

describe('audit log configuration', () => {
  it('keeps the key and a file witness in the data folder by default on the embedded database', () => {
    expect(loadConfig({ APERTURE_DATA_DIR: '/var/aperture' }).audit).toEqual({
      origin: 'aperture.local/audit',
      key: { kind: 'file', file: '/var/aperture/audit-checkpoint-key.pem', createIfMissing: true },
      checkpointMs: 1000,
      witnesses: [{ kind: 'file', file: '/var/aperture/audit-checkpoints.log' }],
    });
  });

  it('reads witnesses, the origin from the public URL and the checkpoint cadence', () => {
    const audit = loadConfig({
      APERTURE_PUBLIC_URL: 'https://aperture.acme.example',
      APERTURE_AUDIT_WITNESSES: 'file:/mnt/worm/checkpoints, https://witness.acme.example/add, slack:C0AUDIT',
      APERTURE_AUDIT_CHECKPOINT_MS: '250',
    }).audit;
    expect(audit.origin).toBe('aperture.acme.example/audit');
    expect(audit.checkpointMs).toBe(250);
    expect(audit.witnesses).toEqual([
      { kind: 'file', file: '/mnt/worm/checkpoints' },
      { kind: 'http', url: 'https://witness.acme.example/add' },
      { kind: 'slack', channel: 'C0AUDIT' },
    ]);
  });

  it('refuses a witness it cannot publish to, naming it', () => {
    expect(() => loadConfig({ APERTURE_AUDIT_WITNESSES: 'ftp://x' })).toThrow(
      /APERTURE_AUDIT_WITNESSES: "ftp:\/\/x" is not a witness: use file:\/path, https:\/\/host\/path or slack:<channel id>/,
    );
    expect(() => loadConfig({ APERTURE_AUDIT_KEY: 'not a key' })).toThrow(
      /APERTURE_AUDIT_KEY: must be a PKCS#8 PEM key/,
    );
  });
});
