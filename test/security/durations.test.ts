import { describe, expect, it } from 'vitest';
import { durationSchema } from '../../src/shared/duration.ts';
import { requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';

const t = useRequestWorld();

const accepted: [string | number, number][] = [
  ['PT1H', 3600],
  ['PT8H', 8 * 3600],
  ['P1D', 86_400],
  ['P1DT12H', 36 * 3600],
  ['P1DT2H3M4S', 86_400 + 2 * 3600 + 3 * 60 + 4],
  ['PT90M', 5400],
  ['PT45S', 45],
  // Weeks are supported alone, as ISO 8601 writes them: exactly seven days each.
  ['P2W', 14 * 86_400],
  ['3600', 3600],
  [3600, 3600],
  ['P366D', 366 * 86_400],
];

const refused: [string | number, string][] = [
  ['PT1H;DROP TABLE x', 'text after the duration'],
  ['PT1M-30S', 'a negative part'],
  ['PT1H1H', 'a designator twice'],
  ['PT1M1H', 'designators out of order'],
  ['P1DT', 'a time designator with no time'],
  ['P', 'no part at all'],
  ['PT', 'an empty time part'],
  ['PT1', 'a number without designator'],
  ['P1W2D', 'weeks mixed with days'],
  ['P1Y', 'years (their length depends on the calendar)'],
  ['P1M', 'months'],
  ['P0D', 'zero'],
  ['PT0S', 'zero seconds'],
  [0, 'zero as a number'],
  [-5, 'a negative number'],
  [1.5, 'a fraction of a second'],
  ['PT0.5H', 'a fraction'],
  ['PT1,5H', 'a fraction with a comma'],
  [' PT1H', 'leading whitespace'],
  ['PT1H ', 'trailing whitespace'],
  ['PT1H\n', 'a trailing newline'],
  ['P T1H', 'whitespace inside'],
  ['pt1h', 'lower case'],
  ['PT1h', 'a lower-case designator'],
  ['P367D', 'more than a year'],
  ['P99999999999999999999999D', 'a huge number'],
  [`PT${'9'.repeat(400)}S`, 'a number too large to be finite'],
  ['1e3', 'an exponent'],
  ['-3600', 'negative seconds as text'],
  ['', 'nothing'],
  ['1H', 'no P'],
];

describe('durations parse strictly: the whole string, each designator once, in order', () => {
  it.each(accepted)('accepts %j as %i seconds', (value, seconds) => {
    expect(durationSchema.parse(value)).toBe(seconds);
  });

  it.each(refused)('refuses %j (%s)', (value) => {
    expect(durationSchema.safeParse(value).success).toBe(false);
  });
});

describe('lenient durations through the API', () => {
  const smuggled = ['PT1H;DROP TABLE x', 'PT1M-30S', 'PT1H1H', 'P1DT'];

  it('an agent cannot file a request with a duration that only starts like one; nothing is created', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    const before = await t.db.prisma.accessRequest.count();
    for (const duration of smuggled) {
      const filed = await t.world.gql(token, requestAccessMutation, {
        input: {
          paths: ['analytics.marts.fct_orders'],
          tier: 'READ',
          justification: 'Quarterly revenue question',
          duration,
        },
      });
      expect(filed.data).toBeNull();
      expect(filed.errors).toEqual([
        {
          message:
            'input: invalid input\n  - duration: must be whole seconds or an ISO 8601 duration such as PT8H, P1D or P1DT12H',
          path: ['requestAccess'],
          extensions: {
            code: 'INVALID_INPUT',
            details: {
              input: 'input',
              problems: [
                {
                  location: 'duration',
                  message: 'must be whole seconds or an ISO 8601 duration such as PT8H, P1D or P1DT12H',
                },
              ],
            },
          },
        },
      ]);
    }
    expect(await t.db.prisma.accessRequest.count()).toBe(before);
  });

  it('governance cannot store a rule whose maxDuration only starts like a duration', async () => {
    const before = await t.world.governance.run('{ rules { version } }');
    for (const maxDuration of smuggled) {
      const applied = await t.world.governance.run(
        'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
        {
          rules: [
            {
              id: 'sneaky',
              description: 'A rule with a smuggled duration',
              when: { tiers: ['READ'] },
              action: 'approve',
              maxDuration,
            },
          ],
        },
      );
      expect(applied.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
      expect(applied.errors?.[0]?.message).toMatch(/maxDuration: must be whole seconds/);
    }
    expect(await t.world.governance.run('{ rules { version } }')).toEqual(before);
  });
});
