import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * How aperture reaches a data source to vend roles in it: an admin connection (a role with
 * CREATEROLE that can grant SELECT on the source's tables; never a superuser) and what agents are
 * told to connect to. The admin URL holds a password: it is never logged and never returned.
 */
export const sourceConnectionSchema = z
  .object({
    /** The admin connection, `postgresql://aperture_admin:...@host:5432/database`. */
    adminUrl: z
      .string()
      .trim()
      .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), { message: 'must be a postgresql:// URL' }),
    /** The host agents connect to; default: the admin URL's host. */
    connectHost: z.string().trim().min(1).max(255).optional(),
    /** The port agents connect to; default: the admin URL's port. */
    connectPort: z.number().int().min(1).max(65_535).optional(),
    /**
     * Starts every role aperture makes in this database cluster (roles are cluster-wide: two
     * sources in one cluster need two prefixes). Default: `aperture_<source>`.
     */
    rolePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,29}$/, 'must be 1-30 lowercase letters, digits or _, starting with a letter')
      .optional(),
    /** The schema aperture manages in the source database (its views and mapping tables). */
    schema: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lowercase identifier')
      .default('aperture'),
  })
  .strict();

export const sourceConnectionsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_][\w-]{0,99}$/, 'must be a catalog source name'),
  sourceConnectionSchema,
);

export type SourceConnectionInput = z.input<typeof sourceConnectionSchema>;

/** A registered source, resolved: every default filled in. */
export interface SourceConnection {
  /** The catalog source (first path segment). */
  source: string;
  adminUrl: string;
  /** What a vended credential names. */
  host: string;
  port: number;
  database: string;
  rolePrefix: string;
  schema: string;
}

export type SourceConnections = ReadonlyMap<string, SourceConnection>;

/** Fills in the defaults from the admin URL. */
export function resolveSourceConnections(parsed: z.infer<typeof sourceConnectionsSchema>): SourceConnections {
  const resolved = new Map<string, SourceConnection>();
  for (const [source, connection] of Object.entries(parsed)) {
    const url = new URL(connection.adminUrl);
    resolved.set(source, {
      source,
      adminUrl: connection.adminUrl,
      host: connection.connectHost ?? (decodeURIComponent(url.hostname) || '127.0.0.1'),
      port: connection.connectPort ?? (url.port ? Number(url.port) : 5432),
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
      rolePrefix: connection.rolePrefix ?? defaultRolePrefix(source),
      schema: connection.schema,
    });
  }
  return resolved;
}

function defaultRolePrefix(source: string): string {
  return `aperture_${source.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 30);
}

/**
 * `APERTURE_SOURCE_CONNECTIONS` holds the JSON itself; `APERTURE_SOURCE_CONNECTIONS_FILE` names a
 * file that holds it (for secrets mounted as files). Returns the JSON text, or a problem.
 */
export function sourceConnectionsText(env: {
  APERTURE_SOURCE_CONNECTIONS?: string | undefined;
  APERTURE_SOURCE_CONNECTIONS_FILE?: string | undefined;
}): { text: string | null } | { problem: string } {
  if (env.APERTURE_SOURCE_CONNECTIONS && env.APERTURE_SOURCE_CONNECTIONS_FILE) {
    return {
      problem: 'APERTURE_SOURCE_CONNECTIONS_FILE: give the source connections inline or in a file, not both',
    };
  }
  if (env.APERTURE_SOURCE_CONNECTIONS) return { text: env.APERTURE_SOURCE_CONNECTIONS };
  if (!env.APERTURE_SOURCE_CONNECTIONS_FILE) return { text: null };
  try {
    return { text: readFileSync(env.APERTURE_SOURCE_CONNECTIONS_FILE, 'utf8') };
  } catch (error) {
    return {
      problem: `APERTURE_SOURCE_CONNECTIONS_FILE: cannot read ${env.APERTURE_SOURCE_CONNECTIONS_FILE} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
}

/** Parses the text; problems name the source and field, never a value (URLs hold passwords). */
export function parseSourceConnections(text: string): SourceConnections | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problems: ['APERTURE_SOURCE_CONNECTIONS: must be JSON: {"<source>": {"adminUrl": ...}}'] };
  }
  const parsed = sourceConnectionsSchema.safeParse(json);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map(
        (issue) => `APERTURE_SOURCE_CONNECTIONS.${issue.path.join('.')}: ${issue.message}`,
      ),
    };
  }
  const connections = resolveSourceConnections(parsed.data);
  const overlaps = overlappingPrefixes(connections);
  return overlaps.length > 0 ? { problems: overlaps } : connections;
}

/**
 * Roles are cluster-wide and aperture finds its roles by prefix: two sources on one server whose
 * prefixes are equal, or one of which starts the other's roles (`shop` and `shop_f`), would end
 * or drop each other's roles.
 */
function overlappingPrefixes(connections: SourceConnections): string[] {
  const problems: string[] = [];
  const list = [...connections.values()];
  list.forEach((a, index) => {
    for (const b of list.slice(index + 1)) {
      if (a.host !== b.host || a.port !== b.port) continue;
      const overlap =
        a.rolePrefix === b.rolePrefix ||
        a.rolePrefix.startsWith(`${b.rolePrefix}_`) ||
        b.rolePrefix.startsWith(`${a.rolePrefix}_`);
      if (overlap) {
        problems.push(
          `APERTURE_SOURCE_CONNECTIONS: sources ${a.source} and ${b.source} share a server and their role prefixes overlap (${a.rolePrefix}, ${b.rolePrefix}): give each a rolePrefix that does not start the other's`,
        );
      }
    }
  });
  return problems;
}
