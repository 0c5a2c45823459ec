import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

/** The console's settings, validated once at start like every other. */
describe('console settings', () => {
  const oidc = { issuer: 'https://idp.example', clientId: 'console', clientSecret: 'very-secret-value' };
  const load = (value: unknown, more: Record<string, string> = {}) =>
    loadConfig({ APERTURE_CONSOLE_OIDC: JSON.stringify(value), ...more });

  it('defaults: 12-hour sessions, 2 hours idle, no OpenID Connect', () => {
    expect(loadConfig({}).console).toEqual({ sessionHours: 12, idleMinutes: 120, oidc: null });
  });

  it('reads the provider with its defaults (openid email scopes, the email claim)', () => {
    expect(load(oidc).console.oidc).toEqual({ ...oidc, scopes: ['openid', 'email'], claim: 'email' });
    expect(
      loadConfig({ APERTURE_CONSOLE_SESSION_HOURS: '8', APERTURE_CONSOLE_IDLE_MINUTES: '30' }).console,
    ).toMatchObject({ sessionHours: 8, idleMinutes: 30 });
  });

  it('refuses a provider in clear off loopback, unknown keys and scopes without openid; never echoes the secret', () => {
    const problems = (value: unknown) => {
      try {
        load(value);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('accepted');
    };
    expect(problems({ ...oidc, issuer: 'http://idp.example' })).toMatch(
      /must be https \(http only on loopback\)/,
    );
    expect(problems({ ...oidc, scopes: ['email'] })).toMatch(/must include openid/);
    expect(problems({ ...oidc, audience: 'x' })).toMatch(/APERTURE_CONSOLE_OIDC/);
    expect(problems({ ...oidc, claim: 'name' })).not.toContain('very-secret-value');
    expect(problems({ ...oidc, claim: 'sub', allowedEmailDomains: ['acme.test'] })).toMatch(
      /allowedEmailDomains applies to claim email only/,
    );
    expect(problems({ ...oidc, allowedEmailDomains: [] })).toMatch(/APERTURE_CONSOLE_OIDC/);
    expect(load({ ...oidc, allowedEmailDomains: [' Acme.Test '] }).console.oidc?.allowedEmailDomains).toEqual(
      ['acme.test'],
    );
    expect(() => load({ ...oidc, issuer: 'http://127.0.0.1:9999' })).not.toThrow();
    expect(() => loadConfig({ APERTURE_CONSOLE_IDLE_MINUTES: '1' })).toThrow(/APERTURE_CONSOLE_IDLE_MINUTES/);
  });
});
