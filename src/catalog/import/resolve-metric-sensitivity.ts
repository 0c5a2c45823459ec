import { type CatalogSnapshot, datasetPath } from '../catalog-snapshot.ts';
import { defaultSensitivity, mostSensitive, type Sensitivity } from '../sensitivity.ts';

/**
 * A metric is as sensitive as the most sensitive thing it reads (datasets, columns, input
 * metrics), unless its owner declared a level. Returns the level of every metric by name.
 */
export function resolveMetricSensitivity(snapshot: CatalogSnapshot): Map<string, Sensitivity> {
  // Only what metrics read is kept: a large catalog has 2,000,000 column paths.
  const referenced = new Set(
    snapshot.metrics.flatMap((metric) => [...metric.datasetPaths, ...metric.columnPaths]),
  );
  const levelByPath = new Map<string, Sensitivity>();
  for (const dataset of snapshot.datasets) {
    const path = datasetPath(dataset);
    if (referenced.has(path)) levelByPath.set(path, dataset.sensitivity);
    for (const column of dataset.columns) {
      const columnPath = `${path}.${column.name}`;
      if (referenced.has(columnPath)) levelByPath.set(columnPath, column.sensitivity ?? dataset.sensitivity);
    }
  }
  const metrics = new Map(snapshot.metrics.map((metric) => [metric.name, metric]));
  const resolved = new Map<string, Sensitivity>();
  const resolve = (name: string, visiting: Set<string>): Sensitivity => {
    const known = resolved.get(name);
    if (known) return known;
    const metric = metrics.get(name);
    if (!metric || visiting.has(name)) return defaultSensitivity;
    if (metric.sensitivity) {
      resolved.set(name, metric.sensitivity);
      return metric.sensitivity;
    }
    visiting.add(name);
    const levels = [
      ...[...metric.datasetPaths, ...metric.columnPaths].map(
        (path) => levelByPath.get(path) ?? defaultSensitivity,
      ),
      ...metric.inputMetrics.map((input) => resolve(input, visiting)),
    ];
    const level = levels.length > 0 ? mostSensitive(levels) : defaultSensitivity;
    resolved.set(name, level);
    return level;
  };
  for (const name of metrics.keys()) resolve(name, new Set());
  return resolved;
}
