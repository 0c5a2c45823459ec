import type { InputProblem } from '../../shared/errors.ts';
import { type CatalogSnapshot, datasetPath } from '../catalog-snapshot.ts';

/**
 * Problems that make a snapshot impossible to store as a whole: duplicate paths or names, and
 * references to objects the snapshot does not contain. Pure; the importers' own parsers have
 * already checked the input's shape.
 */
export function validateSnapshot(snapshot: CatalogSnapshot): InputProblem[] {
  const problems: InputProblem[] = [];
  const datasetsByPath = new Map<string, string>();
  // Only the columns metrics name are kept: a large catalog has 2,000,000 column paths.
  const referencedColumns = new Set(snapshot.metrics.flatMap((metric) => metric.columnPaths));
  const columnPaths = new Set<string>();
  for (const dataset of snapshot.datasets) {
    const path = datasetPath(dataset);
    const previous = datasetsByPath.get(path);
    if (previous !== undefined) {
      problems.push({
        location: dataset.externalId,
        message: `duplicate path ${path} (also used by ${previous})`,
      });
      continue;
    }
    datasetsByPath.set(path, dataset.externalId);
    const columnNames = new Set<string>();
    for (const column of dataset.columns) {
      if (columnNames.has(column.name)) {
        problems.push({
          location: `${dataset.externalId}.columns.${column.name}`,
          message: `duplicate column ${column.name}`,
        });
      }
      columnNames.add(column.name);
      const columnPath = `${path}.${column.name}`;
      if (referencedColumns.has(columnPath)) columnPaths.add(columnPath);
    }
  }
  const hasDataset = (path: string) => datasetsByPath.has(path);
  const hasColumn = (path: string) => columnPaths.has(path);

  for (const dimension of snapshot.dimensions) {
    if (!hasDataset(dimension.datasetPath)) {
      problems.push({
        location: `semantic model ${dimension.semanticModel}`,
        message: `dimension ${dimension.name} refers to unknown dataset ${dimension.datasetPath}`,
      });
    }
  }
  for (const join of snapshot.joinPaths) {
    for (const path of [join.fromDatasetPath, join.toDatasetPath]) {
      if (!hasDataset(path))
        problems.push({ location: `join ${join.name ?? ''}`.trim(), message: `unknown dataset ${path}` });
    }
  }

  const metricNames = new Set<string>();
  for (const metric of snapshot.metrics) {
    if (metricNames.has(metric.name))
      problems.push({ location: metric.externalId, message: `duplicate metric name ${metric.name}` });
    metricNames.add(metric.name);
  }
  for (const metric of snapshot.metrics) {
    for (const path of metric.datasetPaths) {
      if (!hasDataset(path))
        problems.push({ location: metric.externalId, message: `depends on unknown dataset ${path}` });
    }
    for (const path of metric.columnPaths) {
      if (!hasColumn(path))
        problems.push({ location: metric.externalId, message: `depends on unknown column ${path}` });
    }
    for (const input of metric.inputMetrics) {
      if (!metricNames.has(input))
        problems.push({ location: metric.externalId, message: `depends on unknown metric ${input}` });
    }
  }
  const cycle = findMetricCycle(snapshot);
  if (cycle)
    problems.push({
      location: `metric ${cycle[0]}`,
      message: `metrics depend on each other in a cycle: ${cycle.join(' -> ')}`,
    });

  const termNames = new Set<string>();
  for (const term of snapshot.glossary) {
    if (termNames.has(term.name))
      problems.push({ location: term.externalId, message: `duplicate glossary term ${term.name}` });
    termNames.add(term.name);
  }
  return problems;
}

function findMetricCycle(snapshot: CatalogSnapshot): string[] | undefined {
  const inputs = new Map(snapshot.metrics.map((metric) => [metric.name, metric.inputMetrics]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const input of inputs.get(name) ?? []) {
      const cycle = visit(input);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of inputs.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
