import { createHash } from 'node:crypto';
import type { SourceConnection } from '../source-connections.ts';

/**
 * The names of what aperture manages in a source database. Roles are cluster-wide, so each
 * starts with the source's role prefix; the views and mapping tables live in its managed schema.
 */
export interface ManagedNames {
  schema: string;
  /** NOLOGIN: owns the views that show every row, holds SELECT on their base tables. */
  reader: string;
  /** NOLOGIN: every vended role is a member (the sweep finds them by it). */
  vendedMarker: string;
  /** `<prefix>_f_<hash>`: per row filter, owns the views it filters (the table's RLS is for it). */
  filterPrefix: string;
  /** `<prefix>_c_<hash>`: a capability role, SELECT on one view. */
  capabilityPrefix: string;
  /** `<prefix>_v_<random>`: a vended login. */
  vendedPrefix: string;
  /** Tables in the managed schema. */
  vendedRolesTable: string;
  attributesTable: string;
  settingsTable: string;
  /** Rows aperture locks (see managed-locks.ts). */
  locksTable: string;
}

export function managedNames(connection: Pick<SourceConnection, 'rolePrefix' | 'schema'>): ManagedNames {
  const { rolePrefix: prefix, schema } = connection;
  return {
    schema,
    reader: `${prefix}_reader`,
    vendedMarker: `${prefix}_vended`,
    filterPrefix: `${prefix}_f_`,
    capabilityPrefix: `${prefix}_c_`,
    vendedPrefix: `${prefix}_v_`,
    vendedRolesTable: `${quoteIdent(schema)}.vended_roles`,
    attributesTable: `${quoteIdent(schema)}.vended_attributes`,
    settingsTable: `${quoteIdent(schema)}.settings`,
    locksTable: `${quoteIdent(schema)}.locks`,
  };
}

/** A PostgreSQL identifier, always quoted (names from the catalog may hold any character). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A PostgreSQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A short, stable digest (hex) of some text, for names of shared objects. */
export function shortHash(text: string, length = 10): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
