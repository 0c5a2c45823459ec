import path from 'node:path';
import { z } from 'zod';
import { type AuditConfig, auditConfig, auditEnvironmentSchema } from '../audit/log/audit-config.ts';
import { type ConsoleConfig, consoleOidcSchema } from '../console/console-config.ts';
import type { DatabaseConfig } from '../db/database-config.ts';
import { devIssuerAvailability } from '../identity/humans/dev-issuer-availability.ts';
import { identityProvidersSchema } from '../identity/humans/identity-provider-config.ts';
import type { IdentityConfig } from '../identity/identity-config.ts';
import { redactUrl } from '../logging/redact-url.ts';
import type { McpOptions } from '../mcp/mcp-modules.ts';
import type { MetricsConfig } from '../metrics/metrics-config.ts';
import {
  defaultGrantMaximums,
  type GrantMaximums,
  type GrantMaximumsOverride,
  grantMaximumsOverrideSchema,
} from '../requests/grants/grant-limits.ts';
import type { RequestsConfig } from '../requests/requests-config.ts';
import type { SlackConfig } from '../slack/slack-config.ts';
import {
  parseSourceConnections,
  type SourceConnections,
  sourceConnectionsText,
} from '../vending/source-connections.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A JSON value in a variable, validated by `schema`. */
const jsonFromEnv = <T extends z.ZodType>(schema: T, what: string) =>
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: `must be JSON: ${what}` });
        return z.NEVER;
      }
    })
    .pipe(schema);

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), {
    message: 'must be a postgresql:// URL',
  });

/** Every setting aperture reads from the environment, validated once at start. */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: postgresUrl.optional(),
  APERTURE_DATA_DIR: z.string().trim().min(1).default('.data'),
  APERTURE_MIGRATE_ON_START: booleanFromEnv.optional(),
  APERTURE_SEED_DEMO: booleanFromEnv.optional(),
  APERTURE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** How long a stopping replica keeps answering while /ready says 503 (the load balancer's notice). */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  GRAPHIQL: booleanFromEnv.optional(),
  /** Schema introspection for callers with a token; default: on unless production. */
  GRAPHQL_INTROSPECTION: booleanFromEnv.optional(),
  APERTURE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  APERTURE_ISSUER: z.string().trim().min(1).default('urn:aperture'),
  APERTURE_AUDIENCE: z.string().trim().min(1).default('aperture'),
  APERTURE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
  APERTURE_MAX_DELEGATION_DEPTH: z.coerce.number().int().min(1).max(10).default(4),
  APERTURE_GOVERNANCE_GROUP: z.string().trim().min(1).default('governance'),
  APERTURE_TOKEN_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  APERTURE_IDENTITY_PROVIDERS: jsonFromEnv(
    identityProvidersSchema,
    'an array of identity providers',
  ).optional(),
  APERTURE_DEV_ISSUER_KEY_FILE: z.string().trim().min(1).optional(),
  /** The development issuer; default: on in development mode on the embedded database only. */
  APERTURE_DEV_ISSUER: booleanFromEnv.optional(),
  APERTURE_GRANT_MAX_SECONDS: jsonFromEnv(
    grantMaximumsOverrideSchema,
    '{"READ": {"RESTRICTED": 3600, ...}, "DISCOVER": {...}}',
  ).optional(),
  APERTURE_REQUEST_PENDING_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  APERTURE_GRANT_MAX_EXTENSIONS: z.coerce.number().int().min(0).max(100).default(2),
  APERTURE_REQUESTS_PER_HOUR_PER_AGENT: z.coerce.number().int().min(1).max(1_000_000).default(60),
  APERTURE_REQUESTS_PER_HOUR_PER_HUMAN: z.coerce.number().int().min(1).max(1_000_000).default(120),
  APERTURE_JOB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Beyond this offset from the database's clock a replica reports not ready and pauses its job worker. */
  APERTURE_MAX_CLOCK_OFFSET_MS: z.coerce.number().int().min(100).max(300_000).default(2_000),
  APERTURE_MINING_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^xoxb-/, 'must be a bot token (xoxb-...)')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(8).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .regex(/^xapp-/, 'must be an app-level token (xapp-...)')
    .optional(),
  SLACK_APPROVALS_CHANNEL: z.string().trim().min(1).optional(),
  SLACK_GOVERNANCE_CHANNEL: z.string().trim().min(1).optional(),
  SLACK_SECURITY_CHANNEL: z.string().trim().min(1).optional(),
  SLACK_LOOKUP_BY_EMAIL: booleanFromEnv.optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The hard size budget of every MCP tool answer, in estimated tokens. */
  APERTURE_MCP_RESULT_TOKENS: z.coerce.number().int().min(1_000).max(200_000).default(8_000),
  /** Role vending: per catalog source, the admin connection (JSON, or a file holding it). */
  APERTURE_SOURCE_CONNECTIONS: z.string().optional(),
  APERTURE_SOURCE_CONNECTIONS_FILE: z.string().trim().min(1).optional(),
  /** The longest a vended database login lives. */
  APERTURE_VENDED_ROLE_MAX_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  /** How often the sweep reconciles vended roles with the source databases. */
  APERTURE_VENDING_SWEEP_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  /** The console: a signed-in person's session ends after this many hours, whatever they do. */
  APERTURE_CONSOLE_SESSION_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  /** The console: a session unused for this many minutes ends. */
  APERTURE_CONSOLE_IDLE_MINUTES: z.coerce.number().int().min(5).max(1_440).default(120),
  /** The console's OpenID Connect sign-in (JSON); absent: none (development sign-in only, in development). */
  APERTURE_CONSOLE_OIDC: jsonFromEnv(
    consoleOidcSchema,
    '{"issuer": "https://...", "clientId": "...", "clientSecret": "...", "claim": "email"}',
  ).optional(),
  /** Prometheus metrics at /metrics without a token (default: off unless APERTURE_METRICS_TOKEN is set). */
  APERTURE_METRICS: booleanFromEnv.optional(),
  /** The bearer token a scraper presents at /metrics; setting it turns /metrics on. */
  APERTURE_METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  ...auditEnvironmentSchema.shape,
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  env: Environment['NODE_ENV'];
  http: {
    host: string;
    port: number;
    graphiql: boolean;
    /** Schema introspection (`__schema`, `__type`) for callers with a token. */
    introspection: boolean;
    shutdownTimeoutMs: number;
    shutdownDrainMs: number;
    /** The service's public base URL (for OAuth metadata); null: taken from the request's Host. */
    publicUrl: string | null;
  };
  database: DatabaseConfig;
  /** Apply pending migrations at start (always on the embedded database). */
  migrateOnStart: boolean;
  /** Load the demo company when the catalog is empty (default on the embedded database). */
  seedDemo: boolean;
  log: { level: Environment['LOG_LEVEL']; format: 'pretty' | 'json' };
  identity: IdentityConfig;
  requests: RequestsConfig;
  jobs: { pollMs: number };
  /** How far this replica's clock may be from the database's before it takes itself out. */
  clock: { maxOffsetMs: number };
  /** How often mining runs on its own (it also runs on demand). */
  mining: { intervalSeconds: number };
  /** Null: no Slack; routed requests wait in the API (and expire). */
  slack: SlackConfig | null;
  /** The Merkle audit log: its checkpoint key, cadence and witnesses. */
  audit: AuditConfig;
  /** The MCP door: the size budget of its answers. */
  mcp: McpOptions;
  /** Role vending: the registered sources and how long a vended login may live. */
  vending: { sources: SourceConnections; maxSeconds: number; sweepSeconds: number };
  /** The console's sessions and sign-in. */
  console: ConsoleConfig;
  /** Prometheus metrics at /metrics: off, open, or behind a bearer token. */
  metrics: MetricsConfig;
}

/** Thrown when the environment holds a bad value; the message names each variable and its problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(nonEmpty(source));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return `${name}: ${issue.message} (got ${shownValue(name, source[name])})`;
      }),
    );
  }
  const env = parsed.data;
  if (env.APERTURE_DEV_ISSUER && env.NODE_ENV !== 'development') {
    throw new ConfigError([
      `APERTURE_DEV_ISSUER: the development issuer signs tokens for anyone; it only runs with NODE_ENV=development (the default), not NODE_ENV=${env.NODE_ENV}`,
    ]);
  }

  const database: DatabaseConfig = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.APERTURE_DB_POOL_SIZE }
    : { kind: 'embedded', dataDir: env.APERTURE_DATA_DIR };
  const embedded = database.kind === 'embedded';
  const devIssuer = devIssuerAvailability({
    nodeEnv: env.NODE_ENV,
    embedded,
    devIssuer: env.APERTURE_DEV_ISSUER,
  });
  const publicUrl = env.APERTURE_PUBLIC_URL?.replace(/\/$/, '') ?? null;
  const audit = auditConfig(env, {
    dataDir: env.APERTURE_DATA_DIR,
    embedded,
    production: env.NODE_ENV === 'production',
    publicUrl,
  });
  if ('problem' in audit) throw new ConfigError([audit.problem]);
  const connectionsText = sourceConnectionsText(env);
  if ('problem' in connectionsText) throw new ConfigError([connectionsText.problem]);
  const sources = connectionsText.text === null ? new Map() : parseSourceConnections(connectionsText.text);
  if ('problems' in sources) throw new ConfigError(sources.problems);
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      graphiql: env.GRAPHIQL ?? env.NODE_ENV !== 'production',
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
      publicUrl,
    },
    database,
    migrateOnStart: embedded || (env.APERTURE_MIGRATE_ON_START ?? false),
    seedDemo: env.APERTURE_SEED_DEMO ?? embedded,
    log: {
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty'),
    },
    identity: {
      issuer: env.APERTURE_ISSUER,
      audience: env.APERTURE_AUDIENCE,
      tokenTtlSeconds: env.APERTURE_TOKEN_TTL_SECONDS,
      maxDelegationDepth: env.APERTURE_MAX_DELEGATION_DEPTH,
      governanceGroup: env.APERTURE_GOVERNANCE_GROUP,
      tokenRequestsPerMinute: env.APERTURE_TOKEN_REQUESTS_PER_MINUTE,

      providers: env.APERTURE_IDENTITY_PROVIDERS ?? [],
      devIssuerKeyFile: devIssuer.on
        ? (env.APERTURE_DEV_ISSUER_KEY_FILE ?? path.join(env.APERTURE_DATA_DIR, 'dev-issuer-key.json'))
        : null,
      devIssuerOff: devIssuer.on ? null : devIssuer.off,
    },
    requests: {
      grantMaximums: mergeGrantMaximums(env.APERTURE_GRANT_MAX_SECONDS),
      pendingSeconds: env.APERTURE_REQUEST_PENDING_SECONDS,
      maxExtensions: env.APERTURE_GRANT_MAX_EXTENSIONS,
      perAgentPerHour: env.APERTURE_REQUESTS_PER_HOUR_PER_AGENT,
      perHumanPerHour: env.APERTURE_REQUESTS_PER_HOUR_PER_HUMAN,
    },
    jobs: { pollMs: env.APERTURE_JOB_POLL_MS },
    clock: { maxOffsetMs: env.APERTURE_MAX_CLOCK_OFFSET_MS },
    mining: { intervalSeconds: env.APERTURE_MINING_INTERVAL_SECONDS },
    slack: slackConfig(env),
    audit,
    mcp: { resultTokens: env.APERTURE_MCP_RESULT_TOKENS },
    vending: {
      sources,
      maxSeconds: env.APERTURE_VENDED_ROLE_MAX_SECONDS,
      sweepSeconds: env.APERTURE_VENDING_SWEEP_SECONDS,
    },
    console: {
      sessionHours: env.APERTURE_CONSOLE_SESSION_HOURS,
      idleMinutes: env.APERTURE_CONSOLE_IDLE_MINUTES,
      oidc: env.APERTURE_CONSOLE_OIDC ?? null,
    },
    metrics: {
      enabled: env.APERTURE_METRICS ?? env.APERTURE_METRICS_TOKEN !== undefined,
      token: env.APERTURE_METRICS_TOKEN ?? null,
    },
  };
}

function slackConfig(env: Environment): SlackConfig | null {
  const named = [env.SLACK_SIGNING_SECRET, env.SLACK_APP_TOKEN, env.SLACK_APPROVALS_CHANNEL];
  if (!env.SLACK_BOT_TOKEN) {
    if (named.some((value) => value !== undefined)) {
      throw new ConfigError(['SLACK_BOT_TOKEN: Slack settings are given but no bot token (xoxb-...)']);
    }
    return null;
  }
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    throw new ConfigError([
      'SLACK_SIGNING_SECRET: needed to verify requests to /slack/events (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
  }
  return {
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET ?? null,
    appToken: env.SLACK_APP_TOKEN ?? null,
    approvalsChannel: env.SLACK_APPROVALS_CHANNEL ?? null,
    governanceChannel: env.SLACK_GOVERNANCE_CHANNEL ?? null,
    securityChannel: env.SLACK_SECURITY_CHANNEL ?? null,
    lookupByEmail: env.SLACK_LOOKUP_BY_EMAIL ?? false,
    apiUrl: env.SLACK_API_URL ?? null,
  };
}

/** Configured maximums override the defaults one tier and sensitivity at a time. */
function mergeGrantMaximums(configured: GrantMaximumsOverride | undefined): GrantMaximums {
  return {
    READ: { ...defaultGrantMaximums.READ, ...configured?.READ },
    DISCOVER: { ...defaultGrantMaximums.DISCOVER, ...configured?.DISCOVER },
  };
}

/** Treats `VAR=` like an unset variable, so defaults apply. */
function nonEmpty(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

/** A bad value as the error message shows it: never a password or a whole provider list. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (name === 'DATABASE_URL') return JSON.stringify(redactUrl(value));
  if (/SECRET|TOKEN|PASSWORD|KEY|PROVIDERS|CONNECTIONS|OIDC/.test(name))
    return `a value of ${value.length} characters`;
  return JSON.stringify(value);
}
