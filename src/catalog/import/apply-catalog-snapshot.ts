import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditActor, appendAuditEvent } from '../../audit/index.ts';
import { bulkInsert, bulkInsertKeyless, bulkUpdate, type TableSpec } from '../../db/bulk-write.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { advisoryLocks, takeAdvisoryLocks } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { contentHash } from '../../shared/content-hash.ts';
import {
  type ChangeCounts,
  countChanges,
  diffByKey,
  type IncomingRow,
  type RowDiff,
  type StoredRow,
} from '../../shared/diff-by-key.ts';
import { ApertureError, InvalidInputError } from '../../shared/errors.ts';
import { toJson } from '../../shared/json.ts';
import {
  type CatalogSnapshot,
  type DatasetMerge,
  datasetPath,
  type ImportWarning,
  type JoinPathSnapshot,
} from '../catalog-snapshot.ts';
import {
  columnTable,
  datasetTable,
  dimensionTable,
  glossaryTermTable,
  joinPathTable,
  metricColumnDependencyTable,
  metricDatasetDependencyTable,
  metricDependencyTables,
  metricInputDependencyTable,
  metricTable,
} from './catalog-tables.ts';
import { resolveMetricSensitivity } from './resolve-metric-sensitivity.ts';
import { validateSnapshot } from './validate-snapshot.ts';

type Tx = Prisma.TransactionClient;

export interface ImportSummary {
  origin: string;
  input: string;
  datasets: ChangeCounts;
  columns: ChangeCounts;
  dimensions: ChangeCounts;
  joinPaths: ChangeCounts;
  metrics: ChangeCounts;
  glossary: ChangeCounts;
  /** Datasets several input objects named, imported once. */
  merged: DatasetMerge[];
  warnings: ImportWarning[];
}

export interface ImportProgress {
  phase: string;
  done: number;
  total: number;
}

export interface ApplyOptions {
  actor?: AuditActor | undefined;
  onProgress?: (progress: ImportProgress) => void;
}

type Fields = Record<string, unknown>;

const insertChunkSize = 2_000;
/** How many datasets' columns are diffed and written together (about one insert of 2,000 rows). */
const columnSliceDatasets = 100;

/**
 * Makes the stored catalog of `snapshot.origin` match the snapshot, in one transaction: unchanged
 * objects keep their ids and are not written, changed ones are updated in place, missing ones are
 * removed. Objects of other origins are never touched. Bad input changes nothing.
 */
export async function applyCatalogSnapshot(
  prisma: PrismaClient,
  snapshot: CatalogSnapshot,
  options: ApplyOptions = {},
): Promise<ImportSummary> {
  const problems = validateSnapshot(snapshot);
  if (problems.length > 0) throw new InvalidInputError(snapshot.input, problems);

  return prisma.$transaction(
    async (tx) => {
      // Two imports of one origin at once would diff against the same state: let them queue.
      await takeAdvisoryLocks(tx, advisoryLocks.catalogImport(snapshot.origin));
      const writer = new SnapshotWriter(tx, snapshot, options.onProgress);

      const summary = await writer.write();
      await notifyChange(tx, 'catalog');
      await appendAuditEvent(tx, {
        type: 'catalog.imported',
        actor: options.actor,
        subject: { kind: 'catalog-origin', id: snapshot.origin },
        // Warnings can run to thousands on a large undocumented project: the count is the record.
        payload: toJson({ ...summary, warnings: summary.warnings.length }),
      });
      return summary;
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
}

class SnapshotWriter {
  private readonly datasetIds = new Map<string, string>();
  private readonly columnIds = new Map<string, string>();
  private readonly domainIds = new Map<string, string>();

  constructor(
    private readonly tx: Tx,
    private readonly snapshot: CatalogSnapshot,
    private readonly onProgress?: (progress: ImportProgress) => void,
  ) {}

  async write(): Promise<ImportSummary> {
    await this.refusePathsOfOtherOrigins();
    await this.ensureDomains();
    const schemaIds = await this.ensureSchemas();
    const datasets = await this.syncDatasets(schemaIds);
    const columns = await this.syncColumns();
    const dimensions = await this.syncDimensions();
    const joinPaths = await this.syncJoinPaths();
    const metrics = await this.syncMetrics();
    const glossary = await this.syncGlossary();
    await this.pruneEmptySchemasAndSources();
    const { origin, input, merges = [], warnings = [] } = this.snapshot;
    return {
      origin,
      input,
      datasets,
      columns,
      dimensions,
      joinPaths,
      metrics,
      glossary,
      merged: merges,
      warnings,
    };
  }

  private async refusePathsOfOtherOrigins(): Promise<void> {
    const { origin } = this.snapshot;
    const paths = this.snapshot.datasets.map(datasetPath);
    const metricNames = this.snapshot.metrics.map((metric) => metric.name);
    const termNames = this.snapshot.glossary.map((term) => term.name);
    const [datasets, metrics, terms] = await Promise.all([
      this.tx.$queryRaw<{ path: string; origin: string }[]>`
        SELECT path, origin FROM "Dataset" WHERE origin <> ${origin} AND path = ANY(${paths}::text[])`,
      this.tx.$queryRaw<{ name: string; origin: string }[]>`
        SELECT name, origin FROM "Metric" WHERE origin <> ${origin} AND name = ANY(${metricNames}::text[])`,
      this.tx.$queryRaw<{ name: string; origin: string }[]>`
        SELECT name, origin FROM "GlossaryTerm" WHERE origin <> ${origin} AND name = ANY(${termNames}::text[])`,
    ]);
    const clashes = [
      ...datasets.map((row) => `dataset ${row.path} (owned by ${row.origin})`),
      ...metrics.map((row) => `metric ${row.name} (owned by ${row.origin})`),
      ...terms.map((row) => `glossary term ${row.name} (owned by ${row.origin})`),
    ];
    if (clashes.length > 0) {
      throw new ApertureError(
        'CONFLICT',
        `${this.snapshot.input}: ${clashes.length} object(s) already belong to another import: ${clashes.slice(0, 10).join(', ')}`,
        { clashes },
      );
    }
  }

  private async ensureDomains(): Promise<void> {
    const names = new Set<string>();
    for (const item of [...this.snapshot.datasets, ...this.snapshot.metrics, ...this.snapshot.glossary]) {
      if (item.domain) names.add(item.domain);
    }
    if (names.size === 0) return;
    await this.tx.domain.createMany({
      data: [...names].map((name) => ({ id: randomUUID(), name })),
      skipDuplicates: true,
    });
    const rows = await this.tx.domain.findMany({
      where: { name: { in: [...names] } },
      select: { id: true, name: true },
    });
    for (const row of rows) this.domainIds.set(row.name, row.id);
  }

  private domainId(name: string | null): string | null {
    return name ? (this.domainIds.get(name) ?? null) : null;
  }

  private async ensureSchemas(): Promise<Map<string, string>> {
    const sources = new Set(this.snapshot.datasets.map((dataset) => dataset.source));
    await this.tx.source.createMany({
      data: [...sources].map((name) => ({ id: randomUUID(), name })),
      skipDuplicates: true,
    });
    const sourceRows = await this.tx.source.findMany({
      where: { name: { in: [...sources] } },
      select: { id: true, name: true },
    });
    const sourceIds = new Map(sourceRows.map((row) => [row.name, row.id]));
    const schemas = new Map<string, { sourceId: string; name: string }>();
    for (const dataset of this.snapshot.datasets) {
      schemas.set(`${dataset.source}.${dataset.schema}`, {
        sourceId: sourceIds.get(dataset.source)!,
        name: dataset.schema,
      });
    }
    await this.tx.catalogSchema.createMany({
      data: [...schemas].map(([path, schema]) => ({ id: randomUUID(), path, ...schema })),
      skipDuplicates: true,
    });
    const schemaRows = await this.tx.catalogSchema.findMany({
      where: { path: { in: [...schemas.keys()] } },
      select: { id: true, path: true },
    });
    return new Map(schemaRows.map((row) => [row.path, row.id]));
  }

  private async syncDatasets(schemaIds: Map<string, string>): Promise<ChangeCounts> {
    const { origin } = this.snapshot;
    const stored = await this.tx.dataset.findMany({
      where: { origin },
      select: { id: true, path: true, contentHash: true },
    });
    const incoming = this.snapshot.datasets.map((dataset) => {
      const { columns: _columns, ...content } = dataset;
      const path = datasetPath(dataset);
      return row(path, {
        ...content,
        origin,
        path,
        schemaId: schemaIds.get(`${dataset.source}.${dataset.schema}`),
        domainId: this.domainId(dataset.domain),
      });
    });
    const diff = diffByKey(
      this.inScope(stored.map((s) => ({ id: s.id, key: s.path, contentHash: s.contentHash }))),
      incoming,
    );
    for (const [path, id] of await this.applyDiff(datasetTable, 'datasets', diff))
      this.datasetIds.set(path, id);
    return countChanges(diff);
  }

  /**
   * Columns are the bulk of a catalog (200,000 in a large dbt project): they are diffed and
   * written a slice of datasets at a time, so their rows never all exist in memory at once.
   */
  private async syncColumns(): Promise<ChangeCounts> {
    // Raw: Prisma shapes 2,000,000 rows of a large catalog several times slower.
    const rows = await this.tx.$queryRaw<StoredRow[]>`
      SELECT c.id, c.path AS key, c."contentHash" FROM "Column" c
      JOIN "Dataset" d ON d.id = c."datasetId" WHERE d.origin = ${this.snapshot.origin}`;
    const stored = new Map(this.inScope(rows).map((column) => [column.key, column]));
    const referenced = new Set(this.snapshot.metrics.flatMap((metric) => metric.columnPaths));
    const total = { added: 0, changed: 0, removed: 0, unchanged: 0 };
    const datasets = this.snapshot.datasets;
    // The database writes one slice while the next is shaped and hashed here.
    let writing: Promise<void> | undefined;
    for (let start = 0; start < datasets.length; start += columnSliceDatasets) {
      const incoming: IncomingRow<Fields>[] = [];
      for (const dataset of datasets.slice(start, start + columnSliceDatasets)) {
        const parentPath = datasetPath(dataset);
        const datasetId = this.datasetIds.get(parentPath)!;
        dataset.columns.forEach((column, position) => {
          const path = `${parentPath}.${column.name}`;
          incoming.push(row(path, { ...column, position, datasetId, path }));
        });
      }
      const seen = incoming.flatMap((item) => stored.get(item.key) ?? []);
      for (const item of seen) stored.delete(item.key);
      const diff = diffByKey(seen, incoming);
      await writing;
      const done = Math.min(start + columnSliceDatasets, datasets.length);
      writing = this.applyDiff(columnTable, null, diff).then((ids) => {
        for (const [path, id] of ids) if (referenced.has(path)) this.columnIds.set(path, id);
        this.onProgress?.({ phase: 'columns', done, total: datasets.length });
      });
      // A failed write is thrown at the next `await writing`; until then it is not unhandled.
      writing.catch(() => {});
      const counts = countChanges(diff);
      total.added += counts.added;
      total.changed += counts.changed;
      total.unchanged += counts.unchanged;
    }
    await writing;
    // What no dataset listed any more.
    const removed = [...stored.values()];
    await this.deleteRows(columnTable, removed);
    total.removed = removed.length;
    return total;
  }

  private async syncDimensions(): Promise<ChangeCounts> {
    const { origin } = this.snapshot;
    const stored = await this.tx.dimension.findMany({
      where: { origin },
      select: { id: true, key: true, contentHash: true },
    });
    const incoming = this.snapshot.dimensions.map((dimension) =>
      row(`${dimension.semanticModel}.${dimension.name}`, {
        ...dimension,
        origin,
        key: `${dimension.semanticModel}.${dimension.name}`,
        datasetId: this.requireDataset(dimension.datasetPath),
      }),
    );
    const diff = diffByKey(stored, incoming);
    await this.applyDiff(dimensionTable, 'dimensions', diff);
    return countChanges(diff);
  }

  private async syncJoinPaths(): Promise<ChangeCounts> {
    const { origin } = this.snapshot;
    const stored = await this.tx.joinPath.findMany({
      where: { origin },
      select: { id: true, key: true, contentHash: true },
    });
    // Two foreign keys on the same columns to the same table are one way to join.
    const byKey = new Map<string, IncomingRow<Fields>>();
    for (const join of this.snapshot.joinPaths) {
      const key = joinPathKey(join);
      if (byKey.has(key)) continue;
      byKey.set(
        key,
        row(key, {
          ...join,
          origin,
          key,
          fromDatasetId: this.requireDataset(join.fromDatasetPath),
          toDatasetId: this.requireDataset(join.toDatasetPath),
        }),
      );
    }
    // A join path belongs to a partial import only when both of its ends do.
    const inScope = this.inScope(stored).filter(
      (join) => this.inScope([{ key: join.key.split(')->')[1] ?? '' }]).length > 0,
    );
    const diff = diffByKey(inScope, [...byKey.values()]);
    await this.applyDiff(joinPathTable, 'join paths', diff);
    return countChanges(diff);
  }

  private async syncMetrics(): Promise<ChangeCounts> {
    const { origin } = this.snapshot;
    const sensitivity = resolveMetricSensitivity(this.snapshot);
    const stored = await this.tx.metric.findMany({
      where: { origin },
      select: { id: true, name: true, contentHash: true },
    });
    const incoming = this.snapshot.metrics.map((metric) =>
      row(metric.name, {
        ...metric,
        origin,
        sensitivity: sensitivity.get(metric.name),
        domainId: this.domainId(metric.domain),
      }),
    );
    const diff = diffByKey(
      stored.map((s) => ({ id: s.id, key: s.name, contentHash: s.contentHash })),
      incoming,
    );
    const metricIds = await this.applyDiff(metricTable, 'metrics', diff);
    const rewritten = [...diff.added, ...diff.changed];
    const rewrittenIds = diff.changed.map((item) => item.id);
    // Raw statements: Prisma compiles a query of 20,000 ids or rows slowly.
    for (const spec of metricDependencyTables) {
      await this.tx.$executeRawUnsafe(
        `DELETE FROM "${spec.table}" WHERE "metricId" = ANY($1::uuid[])`,
        rewrittenIds,
      );
    }
    const byName = new Map(this.snapshot.metrics.map((metric) => [metric.name, metric]));
    const datasetDeps: { metricId: string; datasetId: string }[] = [];
    const columnDeps: { metricId: string; columnId: string }[] = [];
    const inputDeps: { metricId: string; inputMetricId: string }[] = [];
    for (const item of rewritten) {
      const metric = byName.get(item.key)!;
      const metricId = metricIds.get(item.key)!;
      for (const path of new Set(metric.datasetPaths))
        datasetDeps.push({ metricId, datasetId: this.requireDataset(path) });
      for (const path of new Set(metric.columnPaths))
        columnDeps.push({ metricId, columnId: this.requireColumn(path) });
      for (const input of new Set(metric.inputMetrics))
        inputDeps.push({ metricId, inputMetricId: metricIds.get(input)! });
    }
    await bulkInsertKeyless(this.tx, metricDatasetDependencyTable, datasetDeps);
    await bulkInsertKeyless(this.tx, metricColumnDependencyTable, columnDeps);
    await bulkInsertKeyless(this.tx, metricInputDependencyTable, inputDeps);
    return countChanges(diff);
  }

  private async syncGlossary(): Promise<ChangeCounts> {
    const { origin } = this.snapshot;
    const stored = await this.tx.glossaryTerm.findMany({
      where: { origin },
      select: { id: true, name: true, contentHash: true },
    });
    const incoming = this.snapshot.glossary.map((term) =>
      row(term.name, { ...term, origin, domainId: this.domainId(term.domain) }),
    );
    const diff = diffByKey(
      stored.map((s) => ({ id: s.id, key: s.name, contentHash: s.contentHash })),
      incoming,
    );
    await this.applyDiff(glossaryTermTable, 'glossary', diff);
    return countChanges(diff);
  }

  /** Stored rows this snapshot speaks for (keys start with a dataset path). */
  private inScope<T extends { key: string }>(rows: T[]): T[] {
    const { scope } = this.snapshot;
    return scope ? rows.filter((row) => scope.some((prefix) => row.key.startsWith(prefix))) : rows;
  }

  private async pruneEmptySchemasAndSources(): Promise<void> {
    await this.tx.catalogSchema.deleteMany({ where: { datasets: { none: {} } } });
    await this.tx.source.deleteMany({ where: { schemas: { none: {} } } });
  }

  /**
   * Deletes removed rows, inserts added ones with new ids, updates changed ones in place.
   * Returns the id of every incoming row by key.
   */
  private async applyDiff(
    spec: TableSpec,
    /** Progress is reported under this phase; null when the caller reports it. */
    phase: string | null,
    diff: RowDiff<Fields>,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const item of [...diff.unchanged, ...diff.changed]) ids.set(item.key, item.id);
    const pick = (item: IncomingRow<Fields>, id: string) => {
      const picked: Fields & { id: string } = { id };
      for (const name of Object.keys(spec.fields)) {
        picked[name] = name === 'contentHash' ? item.contentHash : (item.value[name] ?? null);
      }
      return picked;
    };
    for (const item of diff.added) ids.set(item.key, randomUUID());
    await this.deleteRows(spec, diff.removed);
    // Rows are shaped one chunk at a time: a large import never holds two copies of every row.
    for (let start = 0; start < diff.added.length; start += insertChunkSize) {
      const chunk = diff.added
        .slice(start, start + insertChunkSize)
        .map((item) => pick(item, ids.get(item.key)!));
      await bulkInsert(this.tx, spec, chunk);
      if (phase) this.onProgress?.({ phase, done: start + chunk.length, total: diff.added.length });
    }
    await bulkUpdate(
      this.tx,
      spec,
      diff.changed.map((item) => pick(item, item.id)),
    );
    return ids;
  }

  private async deleteRows(spec: TableSpec, rows: readonly { id: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.$executeRawUnsafe(
      `DELETE FROM "${spec.table}" WHERE id = ANY($1::uuid[])`,
      rows.map((removed) => removed.id),
    );
  }

  private requireDataset(path: string): string {
    const id = this.datasetIds.get(path);
    if (!id) throw new Error(`dataset ${path} should have been validated`);
    return id;
  }

  private requireColumn(path: string): string {
    const id = this.columnIds.get(path);
    if (!id) throw new Error(`column ${path} should have been validated`);
    return id;
  }
}

/** `from.path(columns)->to.path(columns)`: starts with the from dataset's path, the to path follows `)->`. */
function joinPathKey(join: JoinPathSnapshot): string {
  return `${join.fromDatasetPath}(${join.fromColumns.join(',')})->${join.toDatasetPath}(${join.toColumns.join(',')})`;
}

function row(key: string, fields: Fields): IncomingRow<Fields> {
  return { key, contentHash: contentHash(fields), value: fields };
}
