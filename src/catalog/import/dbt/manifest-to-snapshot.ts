import { DatasetKind, JoinPathKind } from '../../../../generated/prisma/enums.ts';
import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';
import { isJsonObject, type JsonObject, toJson } from '../../../shared/json.ts';
import type {
  CatalogSnapshot,
  ColumnSnapshot,
  DatasetSnapshot,
  DimensionSnapshot,
  GlossaryTermSnapshot,
  JoinPathSnapshot,
  MetricSnapshot,
} from '../../catalog-snapshot.ts';
import { datasetPath } from '../../catalog-snapshot.ts';
import { defaultSensitivity, mostSensitive, parseSensitivity, type Sensitivity } from '../../sensitivity.ts';
import type {
  ManifestGroup,
  ManifestMetric,
  ManifestNode,
  ManifestSource,
  SemanticModel,
} from './manifest-schema.ts';
import type { ParsedManifest } from './read-manifest.ts';

const datasetKinds: Record<string, DatasetKind> = {
  model: DatasetKind.MODEL,
  seed: DatasetKind.SEED,
  snapshot: DatasetKind.SNAPSHOT,
};

const glossaryPrefix = 'glossary__';

/** What a measure reads: the dataset of its semantic model and the columns its expression names. */
interface MeasureReads {
  datasetPath: string;
  columnPaths: string[];
}

/**
 * Converts a validated dbt manifest into aperture's catalog. Conventions read from `meta`
 * (node `meta` and `config.meta`): `owner` (email), `stewards` (emails), `domain`, `sensitivity`
 * (public | internal | confidential | restricted). A node's dbt group supplies the domain and
 * owner when `meta` does not. Docs blocks named `glossary__<term>` become glossary terms.
 */
export function manifestToSnapshot(parsed: ParsedManifest): CatalogSnapshot {
  return new ManifestConverter(parsed).convert();
}

class ManifestConverter {
  private readonly problems: InputProblem[] = [];
  private readonly groups: Map<string, ManifestGroup>;
  private readonly pathById = new Map<string, string>();
  private readonly columnsByPath = new Map<string, Set<string>>();
  /** `entity__dimension` (as metric filters name them) to what the dimension reads. */
  private readonly dimensionReads = new Map<string, MeasureReads>();

  constructor(private readonly parsed: ParsedManifest) {
    this.groups = new Map(Object.values(parsed.manifest.groups).map((group) => [group.name, group]));
  }

  convert(): CatalogSnapshot {
    const { manifest, file } = this.parsed;
    const datasets = [
      ...this.parsed.datasetNodes
        .filter((node) => node.config.materialized !== 'ephemeral')
        .map((node) => this.nodeDataset(node)),
      ...Object.values(manifest.sources).map((source) => this.sourceDataset(source)),
    ];
    for (const dataset of datasets) {
      this.pathById.set(dataset.externalId, datasetPath(dataset));
      this.columnsByPath.set(datasetPath(dataset), new Set(dataset.columns.map((column) => column.name)));
    }
    const semanticModels = Object.values(manifest.semantic_models).flatMap((model) => {
      const path = this.semanticModelPath(model);
      return path ? [{ model, path }] : [];
    });
    const measures = new Map<string, MeasureReads>();
    const dimensions: DimensionSnapshot[] = [];
    for (const { model, path } of semanticModels) {
      for (const entity of model.entities) {
        if (entity.type === 'foreign') continue;
        for (const dimension of model.dimensions) {
          this.dimensionReads.set(`${entity.name}__${dimension.name}`.toLowerCase(), {
            datasetPath: path,
            columnPaths: this.columnsIn(path, dimension.expr ?? dimension.name),
          });
        }
      }
      for (const measure of model.measures) {
        measures.set(measure.name, {
          datasetPath: path,
          columnPaths: this.columnsIn(path, measure.expr ?? measure.name),
        });
      }
      for (const dimension of model.dimensions) {
        dimensions.push({
          datasetPath: path,
          semanticModel: model.name,
          name: dimension.name,
          type: dimension.type ?? 'categorical',
          expr: dimension.expr,
          description: dimension.description,
        });
      }
    }
    const snapshot: CatalogSnapshot = {
      origin: `dbt:${this.projectName()}`,
      input: file,
      datasets,
      dimensions,
      joinPaths: this.entityJoins(semanticModels),
      metrics: Object.entries(manifest.metrics).map(([id, metric]) => this.metric(id, metric, measures)),
      glossary: this.glossary(),
    };
    if (this.problems.length > 0) throw new InvalidInputError(file, this.problems);
    return snapshot;
  }

  private projectName(): string {
    const { metadata } = this.parsed.manifest;
    if (metadata.project_name) return metadata.project_name;
    const counts = new Map<string, number>();
    for (const node of this.parsed.datasetNodes) {
      if (node.package_name) counts.set(node.package_name, (counts.get(node.package_name) ?? 0) + 1);
    }
    const [mostCommon] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
    return mostCommon ?? metadata.project_id ?? 'dbt';
  }

  private nodeDataset(node: ManifestNode): DatasetSnapshot {
    const location = `nodes[${JSON.stringify(node.unique_id)}]`;
    const meta = { ...node.meta, ...node.config.meta };
    const ownership = this.ownership(meta, node.group, location);
    const primaryKey = new Set(node.primary_key ?? []);
    return {
      externalId: node.unique_id,
      source: node.database ?? 'default',
      schema: node.schema,
      name: node.alias ?? node.name,
      kind: datasetKinds[node.resource_type] ?? DatasetKind.MODEL,
      description: emptyToNull(node.description),
      tags: unique([...node.tags, ...node.config.tags]),
      ...ownership,
      meta: toJsonObject({
        ...meta,
        dbt: {
          uniqueId: node.unique_id,
          resourceType: node.resource_type,
          materialized: node.config.materialized ?? null,
        },
      }),
      columns: Object.values(node.columns).map((column) =>
        this.column(
          column,
          `${location}.columns.${column.name}`,
          primaryKey.has(column.name),
          ownership.sensitivity,
        ),
      ),
    };
  }

  private sourceDataset(source: ManifestSource): DatasetSnapshot {
    const location = `sources[${JSON.stringify(source.unique_id)}]`;
    const meta = { ...source.source_meta, ...source.meta, ...source.config.meta };
    const ownership = this.ownership(meta, null, location);
    return {
      externalId: source.unique_id,
      source: source.database ?? 'default',
      schema: source.schema,
      name: source.identifier ?? source.name,
      kind: DatasetKind.SOURCE,
      description: emptyToNull(source.description) ?? emptyToNull(source.source_description),
      tags: unique([...source.tags, ...source.config.tags]),
      ...ownership,
      meta: toJsonObject({
        ...meta,
        dbt: { uniqueId: source.unique_id, sourceName: source.source_name, loader: source.loader },
      }),
      columns: Object.values(source.columns).map((column) =>
        this.column(column, `${location}.columns.${column.name}`, false, ownership.sensitivity),
      ),
    };
  }

  /** A column's own sensitivity is kept only when it is stricter than its dataset's. */
  private column(
    column: ManifestNode['columns'][string],
    location: string,
    inPrimaryKey: boolean,
    datasetSensitivity: Sensitivity,
  ): ColumnSnapshot {
    const meta = { ...column.meta, ...column.config?.meta };
    const constraints = column.constraints ?? [];
    const level = this.sensitivity(meta.sensitivity, `${location}.meta.sensitivity`);
    return {
      name: column.name,
      dataType: emptyToNull(column.data_type),
      description: emptyToNull(column.description),
      tags: unique([...column.tags, ...(column.config?.tags ?? [])]),
      sensitivity: level && mostSensitive([level, datasetSensitivity]) !== datasetSensitivity ? level : null,
      isPrimaryKey: inPrimaryKey || constraints.some((constraint) => constraint.type === 'primary_key'),
      meta: toJsonObject(meta),
    };
  }

  private ownership(meta: Record<string, unknown>, groupName: string | null, location: string) {
    const group = groupName ? this.groups.get(groupName) : undefined;
    return {
      domain: text(meta.domain) ?? groupName ?? null,
      sensitivity: this.sensitivity(meta.sensitivity, `${location}.meta.sensitivity`) ?? defaultSensitivity,
      ownerEmail: text(meta.owner)?.toLowerCase() ?? group?.owner?.email?.toLowerCase() ?? null,
      stewardEmails: texts(meta.stewards).map((email) => email.toLowerCase()),
    };
  }

  private sensitivity(value: unknown, location: string): Sensitivity | undefined {
    if (value === undefined || value === null) return undefined;
    const level = parseSensitivity(value);
    if (!level)
      this.problems.push({
        location,
        message: `unknown sensitivity ${JSON.stringify(value)} (use public, internal, confidential or restricted)`,
      });
    return level;
  }

  private semanticModelPath(model: SemanticModel): string | undefined {
    const fromNode = (model.depends_on?.nodes ?? []).map((id) => this.pathById.get(id)).find(Boolean);
    const relation = model.node_relation;
    const path =
      fromNode ??
      (relation ? `${relation.database ?? 'default'}.${relation.schema_name}.${relation.alias}` : undefined);
    if (!path || !this.columnsByPath.has(path)) {
      this.problems.push({
        location: `semantic_models[${JSON.stringify(model.unique_id)}]`,
        message: `its model (${model.model ?? path ?? 'none'}) is not a dataset in this manifest`,
      });
      return undefined;
    }
    return path;
  }

  /** Column paths named in a SQL expression (a bare column name, or identifiers in an expression). */
  private columnsIn(path: string, expr: string): string[] {
    const columns = new Map(
      [...(this.columnsByPath.get(path) ?? [])].map((name) => [name.toLowerCase(), name]),
    );
    const identifiers = expr.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
    return unique(identifiers.flatMap((name) => columns.get(name.toLowerCase()) ?? [])).map(
      (name) => `${path}.${name}`,
    );
  }

  /**
   * What a metric's filters read: `{{ Dimension('customer__region') }}` and `TimeDimension(...)`
   * name a dimension through an entity (multi-hop paths end with `entity__dimension`).
   */
  private filterReads(metric: ManifestMetric): MeasureReads[] {
    const text = JSON.stringify([metric.filter ?? null, metric.type_params]);
    const references = [...text.matchAll(/(?:Time)?Dimension\(\s*\\?['"]([\w]+)\\?['"]/g)].map(
      (match) => match[1]!,
    );
    return references.flatMap((reference) => {
      const lastTwo = reference.toLowerCase().split('__').slice(-2).join('__');
      const reads = this.dimensionReads.get(lastTwo);
      return reads ? [reads] : [];
    });
  }

  /** A foreign entity joins to the semantic model where the same entity is primary, unique or natural. */
  private entityJoins(models: { model: SemanticModel; path: string }[]): JoinPathSnapshot[] {
    const keyed = new Map<string, { path: string; column: string }[]>();
    const foreign: { name: string; path: string; column: string }[] = [];
    for (const { model, path } of models) {
      for (const entity of model.entities) {
        const column = entity.expr ?? entity.name;
        if (!this.columnsByPath.get(path)?.has(column)) continue;
        if (entity.type === 'foreign') foreign.push({ name: entity.name, path, column });
        else keyed.set(entity.name, [...(keyed.get(entity.name) ?? []), { path, column }]);
      }
    }
    return foreign.flatMap((from) =>
      (keyed.get(from.name) ?? [])
        .filter((to) => to.path !== from.path)
        .map((to) => ({
          kind: JoinPathKind.SEMANTIC_ENTITY,
          name: from.name,
          fromDatasetPath: from.path,
          toDatasetPath: to.path,
          fromColumns: [from.column],
          toColumns: [to.column],
        })),
    );
  }

  private metric(id: string, metric: ManifestMetric, measures: Map<string, MeasureReads>): MetricSnapshot {
    const location = `metrics[${JSON.stringify(id)}]`;
    const params = metric.type_params;
    const metricNames = new Map(
      Object.entries(this.parsed.manifest.metrics).map(([uniqueId, m]) => [uniqueId, m.name]),
    );
    const measureNames = unique(
      [...(params.input_measures ?? []), ...(params.measure ? [params.measure] : [])].map((m) => m.name),
    );
    const measureReads = measureNames.flatMap((name) => {
      const measure = measures.get(name);
      if (!measure)
        this.problems.push({ location: `${location}.type_params`, message: `uses unknown measure ${name}` });
      return measure ? [measure] : [];
    });
    const reads = [...measureReads, ...this.filterReads(metric)];
    const inputMetrics = unique([
      ...[params.numerator, params.denominator, ...(params.metrics ?? [])].flatMap((ref) =>
        ref ? [ref.name] : [],
      ),
      ...(metric.depends_on?.nodes ?? []).flatMap((node) => {
        const name = metricNames.get(node);
        return name ? [name] : [];
      }),
    ]).filter((name) => name !== metric.name);
    const meta = { ...metric.meta, ...metric.config.meta };
    const group = metric.group ? this.groups.get(metric.group) : undefined;
    return {
      externalId: metric.unique_id,
      name: metric.name,
      label: emptyToNull(metric.label),
      description: emptyToNull(metric.description),
      type: metric.type,
      definition: toJson({ typeParams: params, filter: metric.filter ?? null }),
      tags: unique([...metric.tags, ...metric.config.tags]),
      domain: text(meta.domain) ?? metric.group ?? null,
      sensitivity: this.sensitivity(meta.sensitivity, `${location}.meta.sensitivity`) ?? null,
      ownerEmail: text(meta.owner)?.toLowerCase() ?? group?.owner?.email?.toLowerCase() ?? null,
      meta: toJsonObject(meta),
      datasetPaths: unique(reads.map((read) => read.datasetPath)),
      columnPaths: unique(reads.flatMap((read) => read.columnPaths)),
      inputMetrics,
    };
  }

  private glossary(): GlossaryTermSnapshot[] {
    return Object.values(this.parsed.manifest.docs)
      .filter((doc) => doc.name.startsWith(glossaryPrefix) && doc.package_name !== 'dbt')
      .map((doc) => {
        const { title, body } = splitHeading(doc.block_contents);
        const slug = doc.name.slice(glossaryPrefix.length);
        return {
          externalId: doc.unique_id,
          name: title ?? humanize(slug),
          definition: body,
          tags: [],
          domain: null,
          sensitivity: defaultSensitivity,
          ownerEmail: null,
        };
      });
  }
}

function splitHeading(contents: string): { title?: string; body: string } {
  const trimmed = contents.trim();
  const match = /^#+\s*(.+)\n?/.exec(trimmed);
  if (!match) return { body: trimmed };
  return { title: match[1]!.trim(), body: trimmed.slice(match[0].length).trim() };
}

function humanize(slug: string): string {
  const words = slug.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function text(value: unknown): string | undefined {
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

function emptyToNull(value: string | null | undefined): string | null {
  return value && value.trim() !== '' ? value : null;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function toJsonObject(value: Record<string, unknown>): JsonObject {
  const json = toJson(value);
  return isJsonObject(json) ? json : {};
}
