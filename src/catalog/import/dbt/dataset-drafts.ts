import { DatasetKind } from '../../../../generated/prisma/enums.ts';
import { isJsonObject, type JsonObject, toJson } from '../../../shared/json.ts';
import type { ColumnSnapshot, DatasetSnapshot } from '../../catalog-snapshot.ts';
import { defaultSensitivity, mostSensitive, type Sensitivity } from '../../sensitivity.ts';
import type { ManifestGroup, ManifestNode, ManifestSource } from './manifest-schema.ts';

/** A value one dbt node gives, and where in the node it was read (for conflict messages). */
export interface Sourced<T> {
  value: T;
  /** e.g. `meta.owner`, `group sales`, `columns.email.meta.sensitivity` */
  from: string;
}

/**
 * A dataset as one or more dbt nodes describe it, before defaults are applied: what a node does
 * not say stays null, so that two nodes naming one relation can be merged and their real
 * disagreements told apart from defaults.
 */
export interface DatasetDraft {
  externalId: string;
  /** Unique ids of every node naming this relation, the one whose id the dataset keeps first. */
  namedBy: string[];
  resourceType: string;
  source: string;
  schema: string;
  name: string;
  kind: DatasetKind;
  description: string | null;
  tags: string[];
  owner: Sourced<string> | null;
  domain: Sourced<string> | null;
  sensitivity: Sourced<Sensitivity> | null;
  stewardEmails: string[];
  /** The node's `meta` as written. */
  meta: Record<string, unknown>;
  /** What dbt says about the node itself (stored under `meta.dbt`). */
  dbt: Record<string, unknown>;
  columns: ColumnDraft[];
}

export interface ColumnDraft {
  name: string;
  dataType: string | null;
  description: string | null;
  tags: string[];
  sensitivity: Sourced<Sensitivity> | null;
  isPrimaryKey: boolean;
  meta: Record<string, unknown>;
}

/** How node meta is read: groups supply defaults; a bad sensitivity is a problem reported at `location`. */
export interface MetaReader {
  group(name: string | null): ManifestGroup | undefined;
  sensitivity(value: unknown, location: string): Sensitivity | undefined;
}

const datasetKinds: Record<string, DatasetKind> = {
  model: DatasetKind.MODEL,
  seed: DatasetKind.SEED,
  snapshot: DatasetKind.SNAPSHOT,
};

export function nodeDraft(node: ManifestNode, reader: MetaReader): DatasetDraft {
  const location = `nodes[${JSON.stringify(node.unique_id)}]`;
  const meta = { ...node.meta, ...node.config.meta };
  const primaryKey = new Set(node.primary_key ?? []);
  return {
    externalId: node.unique_id,
    namedBy: [node.unique_id],
    resourceType: node.resource_type,
    source: node.database ?? 'default',
    schema: node.schema,
    name: node.alias ?? node.name,
    kind: datasetKinds[node.resource_type] ?? DatasetKind.MODEL,
    description: emptyToNull(node.description),
    tags: unique([...node.tags, ...node.config.tags]),
    ...ownership(meta, node.group, location, reader),
    meta,
    dbt: {
      uniqueId: node.unique_id,
      resourceType: node.resource_type,
      materialized: node.config.materialized ?? null,
    },
    columns: Object.values(node.columns).map((column) =>
      columnDraft(column, `${location}.columns.${column.name}`, primaryKey.has(column.name), reader),
    ),
  };
}

export function sourceDraft(source: ManifestSource, reader: MetaReader): DatasetDraft {
  const location = `sources[${JSON.stringify(source.unique_id)}]`;
  const meta = { ...source.source_meta, ...source.meta, ...source.config.meta };
  return {
    externalId: source.unique_id,
    namedBy: [source.unique_id],
    resourceType: 'source',
    source: source.database ?? 'default',
    schema: source.schema,
    name: source.identifier ?? source.name,
    kind: DatasetKind.SOURCE,
    description: emptyToNull(source.description) ?? emptyToNull(source.source_description),
    tags: unique([...source.tags, ...source.config.tags]),
    ...ownership(meta, null, location, reader),
    meta,
    dbt: { uniqueId: source.unique_id, sourceName: source.source_name, loader: source.loader },
    columns: Object.values(source.columns).map((column) =>
      columnDraft(column, `${location}.columns.${column.name}`, false, reader),
    ),
  };
}

function columnDraft(
  column: ManifestNode['columns'][string],
  location: string,
  inPrimaryKey: boolean,
  reader: MetaReader,
): ColumnDraft {
  const meta = { ...column.meta, ...column.config?.meta };
  const constraints = column.constraints ?? [];
  const level = reader.sensitivity(meta.sensitivity, `${location}.meta.sensitivity`);
  return {
    name: column.name,
    dataType: emptyToNull(column.data_type),
    description: emptyToNull(column.description),
    tags: unique([...column.tags, ...(column.config?.tags ?? [])]),
    sensitivity: level ? { value: level, from: `columns.${column.name}.meta.sensitivity` } : null,
    isPrimaryKey: inPrimaryKey || constraints.some((constraint) => constraint.type === 'primary_key'),
    meta,
  };
}

/** `meta` first; a node's dbt group supplies the domain and the owner when `meta` does not. */
function ownership(
  meta: Record<string, unknown>,
  groupName: string | null,
  location: string,
  reader: MetaReader,
): Pick<DatasetDraft, 'owner' | 'domain' | 'sensitivity' | 'stewardEmails'> {
  const group = reader.group(groupName);
  const owner = text(meta.owner)?.toLowerCase();
  const groupOwner = group?.owner?.email?.toLowerCase();
  const domain = text(meta.domain);
  const sensitivity = reader.sensitivity(meta.sensitivity, `${location}.meta.sensitivity`);
  return {
    owner: owner
      ? { value: owner, from: 'meta.owner' }
      : groupOwner
        ? { value: groupOwner, from: `group ${groupName}` }
        : null,
    domain: domain
      ? { value: domain, from: 'meta.domain' }
      : groupName
        ? { value: groupName, from: 'group' }
        : null,
    sensitivity: sensitivity ? { value: sensitivity, from: 'meta.sensitivity' } : null,
    stewardEmails: texts(meta.stewards).map((email) => email.toLowerCase()),
  };
}

/**
 * Applies the defaults: sensitivity `internal`; a column keeps its own sensitivity only when it
 * is stricter than its dataset's (otherwise the dataset's governs it).
 */
export function finishDataset(draft: DatasetDraft): DatasetSnapshot {
  const sensitivity = draft.sensitivity?.value ?? defaultSensitivity;
  return {
    externalId: draft.externalId,
    source: draft.source,
    schema: draft.schema,
    name: draft.name,
    kind: draft.kind,
    description: draft.description,
    tags: draft.tags,
    domain: draft.domain?.value ?? null,
    sensitivity,
    ownerEmail: draft.owner?.value ?? null,
    stewardEmails: draft.stewardEmails,
    meta: toJsonObject({ ...draft.meta, dbt: draft.dbt }),
    columns: draft.columns.map((column): ColumnSnapshot => {
      const level = column.sensitivity?.value;
      return {
        name: column.name,
        dataType: column.dataType,
        description: column.description,
        tags: column.tags,
        sensitivity: level && mostSensitive([level, sensitivity]) !== sensitivity ? level : null,
        isPrimaryKey: column.isPrimaryKey,
        meta: toJsonObject(column.meta),
      };
    }),
  };
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function texts(value: unknown): string[] {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return Array.isArray(value) ? value.flatMap((item) => text(item) ?? []) : [];
}

export function emptyToNull(value: string | null | undefined): string | null {
  return value && value.trim() !== '' ? value : null;
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

export function toJsonObject(value: Record<string, unknown>): JsonObject {
  const json = toJson(value);
  return isJsonObject(json) ? json : {};
}
