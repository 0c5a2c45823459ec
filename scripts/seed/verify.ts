import type { ColumnInfo, DatasetMeta, Manifest } from './build/manifest-types.ts';
import { domains, type Person, sensitivities } from './types.ts';

export const minimums = {
  domains: 5,
  datasets: 64,
  columns: 650,
  metrics: 18,
  glossaryTerms: 15,
  people: 24,
} as const;

export interface SeedCounts {
  domains: number;
  datasets: number;
  sources: number;
  stagingModels: number;
  martModels: number;
  seeds: number;
  snapshots: number;
  columns: number;
  describedColumns: number;
  piiColumns: number;
  semanticModels: number;
  metrics: number;
  metricsByType: Record<string, number>;
  glossaryTerms: number;
  exposures: number;
  groups: number;
  people: number;
  datasetsBySensitivity: Record<string, number>;
}

interface Dataset {
  id: string;
  description: string;
  meta: DatasetMeta;
  tags: string[];
  columns: Record<string, ColumnInfo>;
}

function datasets(manifest: Manifest): Dataset[] {
  return [...Object.values(manifest.nodes), ...Object.values(manifest.sources)].map((d) => ({
    id: d.unique_id,
    description: d.description,
    meta: d.meta,
    tags: d.tags,
    columns: d.columns,
  }));
}

function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

export function countSeed(manifest: Manifest, people: readonly Person[]): SeedCounts {
  const all = datasets(manifest);
  const columns = all.flatMap((d) => Object.values(d.columns));
  const nodes = Object.values(manifest.nodes);
  const metrics = Object.values(manifest.metrics);
  return {
    domains: new Set([...all.map((d) => d.meta.domain), ...metrics.map((m) => m.meta.domain)]).size,
    datasets: all.length,
    sources: Object.keys(manifest.sources).length,
    stagingModels: nodes.filter((n) => n.resource_type === 'model' && n.schema === 'staging').length,
    martModels: nodes.filter((n) => n.resource_type === 'model' && n.schema !== 'staging').length,
    seeds: nodes.filter((n) => n.resource_type === 'seed').length,
    snapshots: nodes.filter((n) => n.resource_type === 'snapshot').length,
    columns: columns.length,
    describedColumns: columns.filter((c) => c.description.trim() !== '').length,
    piiColumns: columns.filter((c) => c.tags.includes('pii')).length,
    semanticModels: Object.keys(manifest.semantic_models).length,
    metrics: metrics.length,
    metricsByType: tally(metrics.map((m) => m.type)),
    glossaryTerms: Object.values(manifest.docs).filter((d) => d.name.startsWith('glossary__')).length,
    exposures: Object.keys(manifest.exposures).length,
    groups: Object.keys(manifest.groups).length,
    people: people.length,
    datasetsBySensitivity: tally(all.map((d) => d.meta.sensitivity)),
  };
}

const rank = (level: string): number => sensitivities.indexOf(level as (typeof sensitivities)[number]);

function checkPeople(people: readonly Person[], errors: string[]): void {
  const emails = new Set(people.map((p) => p.email));
  if (emails.size !== people.length) errors.push('people: duplicate emails');
  const roots = people.filter((p) => p.manager === null);
  if (roots.length !== 1)
    errors.push(`people: expected exactly one person without a manager, got ${roots.length}`);
  for (const person of people) {
    if (!person.email.endsWith('@acme.example')) errors.push(`people: ${person.email} is not @acme.example`);
    if (person.manager !== null && !emails.has(person.manager))
      errors.push(`people: ${person.email} has unknown manager ${person.manager}`);
    if (person.slackUserId !== undefined && !/^U0[A-Z0-9]{9}$/.test(person.slackUserId))
      errors.push(`people: ${person.email} has malformed slackUserId`);
    const seen = new Set<string>();
    let cursor: string | null = person.email;
    while (cursor !== null) {
      if (seen.has(cursor)) {
        errors.push(`people: management cycle through ${person.email}`);
        break;
      }
      seen.add(cursor);
      const current: string = cursor;
      cursor = people.find((p) => p.email === current)?.manager ?? null;
    }
  }
  const inGroup = (group: string) => people.some((p) => p.groups.includes(group));
  for (const group of ['governance', 'security', 'analysts', 'contractors']) {
    if (!inGroup(group)) errors.push(`people: nobody in group ${group}`);
  }
  if (people.filter((p) => p.attributes.employmentType === 'contractor').length < 2)
    errors.push('people: fewer than 2 contractors');
  if (!people.some((p) => p.slackUserId === undefined)) errors.push('people: everyone has a slackUserId');
}

function checkDatasets(manifest: Manifest, emails: ReadonlySet<string>, errors: string[]): void {
  for (const d of datasets(manifest)) {
    if (d.description.trim() === '') errors.push(`${d.id}: empty description`);
    if (!(domains as readonly string[]).includes(d.meta.domain)) errors.push(`${d.id}: bad meta.domain`);
    if (rank(d.meta.sensitivity) < 0) errors.push(`${d.id}: bad meta.sensitivity`);
    if (!emails.has(d.meta.owner)) errors.push(`${d.id}: owner ${d.meta.owner} not in people`);
    if (d.meta.stewards.length === 0) errors.push(`${d.id}: no stewards`);
    for (const steward of d.meta.stewards) {
      if (!emails.has(steward)) errors.push(`${d.id}: steward ${steward} not in people`);
    }
    if (!d.tags.includes(d.meta.domain)) errors.push(`${d.id}: tags lack the domain`);
    for (const column of Object.values(d.columns)) {
      const where = `${d.id}.${column.name}`;
      if (column.tags.some((t) => t.startsWith('pii:')) && !column.tags.includes('pii'))
        errors.push(`${where}: pii:* without pii`);
      const level = column.meta.sensitivity;
      if (level !== undefined && rank(level) <= rank(d.meta.sensitivity))
        errors.push(`${where}: column sensitivity not above the dataset's`);
      if (column.tags.includes('pii') && !d.tags.includes('pii'))
        errors.push(`${d.id}: pii column but no pii tag`);
    }
  }
}

function checkGraph(manifest: Manifest, errors: string[]): void {
  const ids = new Set([
    ...Object.keys(manifest.nodes),
    ...Object.keys(manifest.sources),
    ...Object.keys(manifest.exposures),
    ...Object.keys(manifest.metrics),
    ...Object.keys(manifest.semantic_models),
  ]);
  const mapKeys = new Set(Object.keys(manifest.parent_map));
  if (mapKeys.size !== ids.size || [...ids].some((id) => !mapKeys.has(id)))
    errors.push('parent_map keys differ from the resources');
  for (const [child, parents] of Object.entries(manifest.parent_map)) {
    for (const parent of parents) {
      if (!ids.has(parent)) errors.push(`${child}: unknown parent ${parent}`);
      if (!(manifest.child_map[parent] ?? []).includes(child))
        errors.push(`child_map[${parent}] lacks ${child}`);
    }
  }
  for (const [parent, children] of Object.entries(manifest.child_map)) {
    for (const child of children) {
      if (!(manifest.parent_map[child] ?? []).includes(parent))
        errors.push(`parent_map[${child}] lacks ${parent}`);
    }
  }
  for (const node of Object.values(manifest.nodes)) {
    const deps = 'nodes' in node.depends_on ? node.depends_on.nodes : [];
    const mapped = manifest.parent_map[node.unique_id] ?? [];
    if (JSON.stringify([...deps].sort()) !== JSON.stringify(mapped))
      errors.push(`${node.unique_id}: parent_map differs from depends_on`);
    if (node.group !== null && manifest.groups[`group.acme_analytics.${node.group}`] === undefined)
      errors.push(`${node.unique_id}: unknown group ${node.group}`);
  }
  // Acyclic: depth-first search over parent_map.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      errors.push(`cycle: ${[...path, id].join(' -> ')}`);
      return;
    }
    state.set(id, 'visiting');
    for (const parent of manifest.parent_map[id] ?? []) visit(parent, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of ids) visit(id, []);
}

function checkSemantic(manifest: Manifest, emails: ReadonlySet<string>, errors: string[]): void {
  const measures = new Set<string>();
  for (const sm of Object.values(manifest.semantic_models)) {
    const modelId = sm.depends_on.nodes[0];
    const model = modelId === undefined ? undefined : manifest.nodes[modelId];
    if (model === undefined || model.resource_type !== 'model') {
      errors.push(`${sm.unique_id}: depends_on node missing`);
      continue;
    }
    if (sm.node_relation.relation_name !== model.relation_name)
      errors.push(`${sm.unique_id}: node_relation mismatch`);
    const columns = new Set(Object.keys(model.columns));
    const need = [
      ...sm.entities.map((e) => e.expr ?? e.name),
      ...sm.dimensions.map((d) => d.expr ?? d.name),
      ...sm.measures.map((m) => m.expr),
      sm.defaults.agg_time_dimension,
    ];
    for (const column of need) {
      if (!columns.has(column)) errors.push(`${sm.unique_id}: ${column} is not a column of ${model.name}`);
    }
    if (!sm.entities.some((e) => e.type === 'primary')) errors.push(`${sm.unique_id}: no primary entity`);
    for (const m of sm.measures) measures.add(m.name);
  }
  const metricNames = new Set(Object.values(manifest.metrics).map((m) => m.name));
  for (const metric of Object.values(manifest.metrics)) {
    const id = metric.unique_id;
    if (metric.depends_on.nodes.length === 0) errors.push(`${id}: no dependencies`);
    for (const dep of metric.depends_on.nodes) {
      if (manifest.metrics[dep] === undefined && manifest.semantic_models[dep] === undefined)
        errors.push(`${id}: depends on unknown ${dep}`);
    }
    if (!emails.has(metric.meta.owner)) errors.push(`${id}: owner not in people`);
    if (rank(metric.meta.sensitivity) < 0) errors.push(`${id}: bad sensitivity`);
    if (!(domains as readonly string[]).includes(metric.meta.domain)) errors.push(`${id}: bad domain`);
    const tp = metric.type_params;
    for (const m of [tp.measure, ...tp.input_measures]) {
      if (m !== null && !measures.has(m.name)) errors.push(`${id}: unknown measure ${m.name}`);
    }
    for (const input of [tp.numerator, tp.denominator, ...tp.metrics]) {
      if (input !== null && !metricNames.has(input.name))
        errors.push(`${id}: unknown input metric ${input.name}`);
    }
  }
}

/** Domains and sensitivities of the datasets a metric ultimately reads. */
export function metricLineage(
  manifest: Manifest,
  metricId: string,
): { domains: Set<string>; restricted: boolean } {
  const out = { domains: new Set<string>(), restricted: false };
  const walk = (id: string): void => {
    const metric = manifest.metrics[id];
    if (metric !== undefined) {
      for (const dep of metric.depends_on.nodes) walk(dep);
      return;
    }
    const sm = manifest.semantic_models[id];
    for (const modelId of sm?.depends_on.nodes ?? []) {
      const model = manifest.nodes[modelId];
      if (model === undefined) continue;
      out.domains.add(model.meta.domain);
      out.restricted ||= model.meta.sensitivity === 'restricted';
    }
  };
  walk(metricId);
  return out;
}

export function verifySeed(
  manifest: Manifest,
  people: readonly Person[],
): { counts: SeedCounts; errors: string[] } {
  const errors: string[] = [];
  const counts = countSeed(manifest, people);
  for (const [key, min] of Object.entries(minimums)) {
    const value = counts[key as keyof typeof minimums];
    if (value < min) errors.push(`minimum: ${key} is ${value}, needs ${min}`);
  }
  if (counts.describedColumns / counts.columns < 0.9) errors.push('fewer than 90% of columns are described');

  const emails = new Set(people.map((p) => p.email));
  checkPeople(people, errors);
  checkDatasets(manifest, emails, errors);
  checkGraph(manifest, errors);
  checkSemantic(manifest, emails, errors);

  for (const group of Object.values(manifest.groups)) {
    if (!emails.has(group.owner.email)) errors.push(`${group.unique_id}: owner not in people`);
  }
  for (const exposure of Object.values(manifest.exposures)) {
    if (!emails.has(exposure.owner.email)) errors.push(`${exposure.unique_id}: owner not in people`);
  }
  for (const doc of Object.values(manifest.docs)) {
    if (!doc.name.startsWith('glossary__')) continue;
    if (doc.unique_id !== `doc.acme_analytics.${doc.name}`) errors.push(`${doc.unique_id}: bad unique_id`);
    if (!/^# \S/.test(doc.block_contents)) errors.push(`${doc.unique_id}: block_contents lacks a # heading`);
  }
  if (manifest.docs['doc.dbt.__overview__'] === undefined) errors.push('docs: doc.dbt.__overview__ missing');

  const lineages = Object.keys(manifest.metrics).map((id) => metricLineage(manifest, id));
  if (!lineages.some((l) => l.restricted)) errors.push('no metric depends on restricted data');
  if (!lineages.some((l) => l.domains.size > 1)) errors.push('no metric mixes domains');
  return { counts, errors };
}
