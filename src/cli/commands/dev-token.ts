import { type Command, InvalidArgumentError } from 'commander';
import { issueDevToken } from '../../identity/humans/dev-issuer.ts';
import { devIssuerAudiences } from '../../identity/humans/identity-provider-config.ts';

import { commandConfig } from '../command-context.ts';

/** `8h`, `30m`, `90s` or a number of seconds. */
function parseDuration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('use a duration such as 90s, 30m, 8h or 1d');
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function registerDevTokenCommand(program: Command): void {
  program
    .command('dev-token')
    .description(
      "print a human's identity token from the built-in development issuer (development mode only)",
    )
    .requiredOption('--user <email>', 'the email of a person in the people store')
    .option('--ttl <duration>', 'how long the token lives', parseDuration, 8 * 3600)
    .option(
      '--for-agent',
      'a token to hand to an agent, which can only exchange it (POST /oauth/token); default: for your own API calls',
    )
    .action(async (options: { user: string; ttl: number; forAgent?: boolean }) => {
      const config = commandConfig();
      const audiences = devIssuerAudiences(config.identity.audience);
      const token = await issueDevToken(config.identity.devIssuerKeyFile, {
        email: options.user,
        audience: options.forAgent ? audiences.exchange : audiences.api,
        ttlSeconds: options.ttl,
      });
      console.log(token);
    });
}
