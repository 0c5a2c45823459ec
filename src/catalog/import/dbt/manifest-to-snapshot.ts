import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';
import { toJson } from '../../../shared/json.ts';
import type {
  CatalogSnapshot,
  DatasetMerge,
  DatasetSnapshot,
  DimensionSnapshot,
  GlossaryTermSnapshot,
  ImportWarning,
  MetricSnapshot,
} from '../../catalog-snapshot.ts';
import { datasetPath } from '../../catalog-snapshot.ts';
import { defaultSensitivity, parseSensitivity, type Sensitivity } from '../../sensitivity.ts';
import { withCatalogColumns } from './catalog-columns.ts';
import {
  type DatasetDraft,
  emptyToNull,
  finishDataset,
  type MetaReader,
  nodeDraft,
  sourceDraft,
  text,
  toJsonObject,
  unique,
} from './dataset-drafts.ts';
import { entityJoinPaths, type PlacedSemanticModel } from './entity-joins.ts';
import type { ManifestGroup, ManifestMetric, SemanticModel } from './manifest-schema.ts';
import { mergeRelations } from './merge-relations.ts';
import type { ParsedCatalog } from './read-catalog.ts';
import type { ParsedManifest } from './read-manifest.ts';

const glossaryPrefix = 'glossary__';

/** What a measure reads: the dataset of its semantic model and the columns its expression names. */
interface MeasureReads {
  datasetPath: string;
  columnPaths: string[];
}

/**
 * Converts a validated dbt manifest, and the warehouse's columns from catalog.json when there is
 * one, into aperture's catalog; it takes the manifest's `datasetNodes` (the array is emptied).
 * Conventions read from `meta` (node `meta` and `config.meta`): `owner` (email), `stewards`
 * (emails), `domain`, `sensitivity` (public | internal | confidential | restricted). A node's dbt
 * group supplies the domain and owner when `meta` does not. Nodes naming one relation become one
 * dataset (see mergeRelations). Docs blocks named `glossary__<term>` become glossary terms.
 */
export function manifestToSnapshot(
  parsed: ParsedManifest,
  catalog: ParsedCatalog | null = null,
): CatalogSnapshot {
  return new ManifestConverter(parsed, catalog).convert();
}

class ManifestConverter implements MetaReader {
  private readonly problems: InputProblem[] = [];
  private readonly warnings: ImportWarning[] = [];
  private readonly groups: Map<string, ManifestGroup>;
  private readonly pathById = new Map<string, string>();
  /** Each dataset's column names by lower-case name. */
  private readonly columnsByPath = new Map<string, Map<string, string>>();
  /** Datasets by path; their column maps are built only for those semantic models read. */
  private readonly datasetsByPath = new Map<string, DatasetSnapshot>();
  /** `entity__dimension` (as metric filters name them) to what the dimension reads. */
  private readonly dimensionReads = new Map<string, MeasureReads>();
  /** Metric names by unique id, built once: a project can have 20,000 metrics. */
  private readonly metricNames: Map<string, string>;

  constructor(
    private readonly parsed: ParsedManifest,
    private readonly catalog: ParsedCatalog | null,
  ) {
    this.groups = new Map(Object.values(parsed.manifest.groups).map((group) => [group.name, group]));
    this.metricNames = new Map(
      Object.entries(parsed.manifest.metrics).map(([id, metric]) => [id, metric.name]),
    );
  }

  convert(): CatalogSnapshot {
    const { manifest, file } = this.parsed;
    // Before datasets() takes the nodes it counts.
    const origin = `dbt:${this.projectName()}`;
    const { datasets, merges } = this.datasets();
    for (const dataset of datasets) this.datasetsByPath.set(datasetPath(dataset), dataset);
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
      origin,
      input: file,
      datasets,
      dimensions,
      joinPaths: this.entityJoins(semanticModels),
      metrics: Object.entries(manifest.metrics).map(([id, metric]) => this.metric(id, metric, measures)),
      glossary: this.glossary(),
      merges,
      warnings: this.warnings,
    };
    if (this.problems.length > 0) throw new InvalidInputError(file, this.problems);
    return snapshot;
  }

  /**
   * Models, seeds, snapshots and sources, one dataset per relation, with the warehouse's columns
   * when catalog.json was read. Ephemeral models are skipped: they cannot be queried.
   */
  private datasets(): { datasets: DatasetSnapshot[]; merges: DatasetMerge[] } {
    const drafts = [
      ...this.takeNodeDrafts(),
      ...Object.values(this.parsed.manifest.sources).map((source) => sourceDraft(source, this)),
    ];
    for (const draft of drafts) this.pathById.set(draft.externalId, datasetPath(draft));
    const relations = mergeRelations(drafts, this.problems).map((draft) =>
      this.catalog ? withCatalogColumns(draft, this.catalog.catalog, this.warnings) : draft,
    );
    for (const draft of relations) this.warnIfNoColumns(draft);
    if (this.catalog) {
      for (const error of this.catalog.catalog.errors) {
        this.warnings.push({ kind: 'catalog-errors', subject: this.catalog.file, message: error });
      }
    }
    return {
      datasets: relations.map(finishDataset),
      merges: relations
        .filter((draft) => draft.namedBy.length > 1)
        .map((draft) => ({ path: datasetPath(draft), externalIds: draft.namedBy })),
    };
  }

  /**
   * Drafts of the models, seeds and snapshots. The validated nodes are taken out of the parsed
   * manifest and let go once drafted: a manifest's 2,000,000 columns would otherwise be held three
   * times (nodes, drafts, snapshot) at the peak of the conversion.
   */
  private takeNodeDrafts(): DatasetDraft[] {
    return this.parsed.datasetNodes
      .splice(0)
      .filter((node) => node.config.materialized !== 'ephemeral')
      .map((node) => nodeDraft(node, this));
  }

  private warnIfNoColumns(draft: DatasetDraft): void {
    if (draft.columns.length > 0) return;
    this.warnings.push({
      kind: 'dataset-without-columns',
      subject: datasetPath(draft),
      message: this.catalog
        ? 'no columns: neither catalog.json nor the YAML lists any'
        : 'no columns: none documented in YAML, and no catalog.json was read',
    });
  }

  group(name: string | null): ManifestGroup | undefined {
    return name ? this.groups.get(name) : undefined;
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

  sensitivity(value: unknown, location: string): Sensitivity | undefined {
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
    if (!path || !this.datasetsByPath.has(path)) {
      this.problems.push({
        location: `semantic_models[${JSON.stringify(model.unique_id)}]`,
        message: `its model (${model.model ?? path ?? 'none'}) is not a dataset in this manifest`,
      });
      return undefined;
    }
    return path;
  }

  /** A dataset's column names by lower-case name (empty for an unknown path). */
  private columnsOf(path: string): Map<string, string> {
    let columns = this.columnsByPath.get(path);
    if (!columns) {
      const names = (this.datasetsByPath.get(path)?.columns ?? []).map((column): [string, string] => [
        column.name.toLowerCase(),
        column.name,
      ]);
      columns = new Map(names);
      this.columnsByPath.set(path, columns);
    }
    return columns;
  }

  /** Column paths named in a SQL expression (a bare column name, or identifiers in an expression). */
  private columnsIn(path: string, expr: string): string[] {
    const columns = this.columnsOf(path);
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

  private entityJoins(models: PlacedSemanticModel[]) {
    const { joinPaths, warnings } = entityJoinPaths(
      models,
      (path) => this.columnsOf(path),
      this.catalog !== null,
    );
    this.warnings.push(...warnings);
    return joinPaths;
  }

  private metric(id: string, metric: ManifestMetric, measures: Map<string, MeasureReads>): MetricSnapshot {
    const location = `metrics[${JSON.stringify(id)}]`;
    const params = metric.type_params;
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
        const name = this.metricNames.get(node);
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
