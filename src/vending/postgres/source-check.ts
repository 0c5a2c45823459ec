import pg from 'pg';
import { redactUrl } from '../../logging/redact-url.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { SourceConnection } from '../source-connections.ts';
import { managedNames } from './managed-names.ts';
import {
  type CheckedRelation,
  type SourceCheckFinding,
  sourceCheckFindings,
} from './source-check-findings.ts';
import {
  type AdminFacts,
  adminFactsQuery,
  type PublicReadable,
  publicReadableQuery,
  type RelationFacts,
  relationFactsQuery,
} from './source-check-queries.ts';

export type { CheckedRelation, SourceCheckFinding } from './source-check-findings.ts';

/** What `aperture sources check` found in one source database. */
export interface SourceCheckReport {
  source: string;
  /** `host:port/database` of the admin connection: no user, no password. */
  server: string;
  adminRole: string;
  serverVersion: string;
  /** How many relations of the catalog were checked. */
  relations: number;
  findings: SourceCheckFinding[];
  /** Findings not ok, by severity. */
  missing: number;
  warnings: number;
}

/**
 * Connects as the source's admin role and checks it has what role vending needs, and that no
 * relation is readable by every login. Reads only: it changes nothing in the source database.
 */
export async function checkSource(
  connection: SourceConnection,
  relations: CheckedRelation[],
): Promise<SourceCheckReport> {
  const client = new pg.Client({
    connectionString: connection.adminUrl,
    application_name: 'aperture sources check',
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
  } catch (error) {
    throw new ApertureError(
      'INVALID_INPUT',
      `source ${connection.source}: cannot connect to ${redactUrl(connection.adminUrl)}: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query("SET LOCAL statement_timeout = '60s'");
    const admin = (await client.query<AdminFacts>(adminFactsQuery, [connection.schema])).rows[0]!;
    const found = (
      await client.query<RelationFacts>(relationFactsQuery, [
        relations.map((relation) => relation.schema),
        relations.map((relation) => relation.name),
      ])
    ).rows;
    const publicReadable = (await client.query<PublicReadable>(publicReadableQuery, [connection.schema]))
      .rows;
    await client.query('COMMIT');
    const findings = sourceCheckFindings({
      source: connection.source,
      managedSchema: connection.schema,
      vendedMarker: managedNames(connection).vendedMarker,
      admin,
      relations: found.map((facts, index) => ({ ...facts, rowFiltered: relations[index]!.rowFiltered })),
      publicReadable,
      catalogRelations: new Set(relations.map((relation) => `${relation.schema}.${relation.name}`)),
    });
    const failed = findings.filter((finding) => !finding.ok);
    return {
      source: connection.source,
      server: adminServer(connection),
      adminRole: admin.role,
      serverVersion: admin.version,
      relations: relations.length,
      findings,
      missing: failed.filter((finding) => finding.severity === 'missing').length,
      warnings: failed.filter((finding) => finding.severity === 'warning').length,
    };
  } finally {
    await client.end();
  }
}

function adminServer(connection: SourceConnection): string {
  const url = new URL(connection.adminUrl);
  return `${decodeURIComponent(url.hostname) || '127.0.0.1'}:${url.port || 5432}/${connection.database}`;
}
