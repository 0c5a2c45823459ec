import { describe, expect, it } from 'vitest';
import { vendedRoleLifetime } from '../../src/vending/role-lifetime.ts';

const now = new Date('2026-12-06T10:00:00.250Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const base = {
  now,
  maxSeconds: 900,
  ttlSeconds: null,
  tokenExpiresAt: at(600),
  intentMaxSeconds: 3600,
  grantExpiries: [],
};

describe('how long a vended login lives', () => {
  it('the shortest of the maximum, the request, the token, the intent and the grants, in whole seconds', () => {
    expect(vendedRoleLifetime(base)).toEqual({
      expiresAt: new Date('2026-12-06T10:10:00Z'),
      limitedBy: 'token',
    });
    expect(vendedRoleLifetime({ ...base, tokenExpiresAt: at(7200) })).toMatchObject({ limitedBy: 'maximum' });
    expect(vendedRoleLifetime({ ...base, ttlSeconds: 60 })).toEqual({
      expiresAt: new Date('2026-12-06T10:01:00Z'),
      limitedBy: 'requested',
    });
    expect(vendedRoleLifetime({ ...base, intentMaxSeconds: 120 })).toMatchObject({ limitedBy: 'intent' });
    expect(vendedRoleLifetime({ ...base, grantExpiries: [at(3000), at(300.9)] })).toEqual({
      expiresAt: new Date('2026-12-06T10:05:01Z'),
      limitedBy: 'grant',
    });
  });
});
