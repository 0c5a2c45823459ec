import { type Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../../shared/duration.ts';

import { commandConfig } from '../command-context.ts';

const shorthandUnits = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * `8h`, `30m`, `90s`, `1d`, whole seconds, or an ISO 8601 duration (`PT8H`): the shorthand is
 * turned into seconds, then every form goes through the one duration parser (strict, positive, at
 * most a year).
 */
function parseTtl(value: string): number {
  const shorthand = /^(\d+)([smhd])$/.exec(value);
  const parsed = parseDuration(
    shorthand ? Number(shorthand[1]) * shorthandUnits[shorthand[2] as keyof typeof shorthandUnits] : value,
  );
  if ('problem' in parsed) {
    throw new InvalidArgumentError(`use a duration such as 90s, 30m, 8h, 1d or PT8H (${parsed.problem})`);
  }
  return parsed.seconds;
}

export function registerDevTokenCommand(program: Command): void {
  program
    .command('dev-token')
    .description(
      "print a human's identity token from the built-in development issuer (development mode only)",
    )
    .requiredOption('--user <email>', 'the email of a person in the people store')
    .option('--ttl <duration>', 'how long the token lives', parseTtl, 8 * 3600)
    .option(
      '--for-agent',
      'a token to hand to an agent, which can only exchange it (POST /oauth/token); default: for your own API calls',
    )
    .action(async (options: { user: string; ttl: number; forAgent?: boolean }) => {
      const [{ issueDevToken }, { devIssuerAudiences }] = await Promise.all([
        import('../../identity/humans/dev-issuer.ts'),
        import('../../identity/humans/identity-provider-config.ts'),
      ]);
      const config = commandConfig();
      const audiences = devIssuerAudiences(config.identity.audience);
      const token = await issueDevToken(config.identity, {
        email: options.user,
        audience: options.forAgent ? audiences.exchange : audiences.api,
        ttlSeconds: options.ttl,
      });
      console.log(token);
    });
}
