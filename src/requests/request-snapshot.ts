import { mostSensitive, type Sensitivity } from '../catalog/sensitivity.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { HumanIdentity } from '../identity/viewer.ts';
import { type PolicyHuman, type PolicyObject, policyHuman } from '../policy/access-context.ts';

/** A requested object as it was when the request was made. */
export interface ResourceSnapshot {
  id: string;
  path: string;
  kind: PolicyObject['kind'];
  tags: string[];
  domain: string | null;
  sensitivity: Sensitivity;
  ownerEmail: string | null;
  stewardEmails: string[];
}

/** The human's and the resources' attributes at request time: what deciders saw, what mining learns from. */
export interface RequestSnapshot {
  human: PolicyHuman & { id: string; name: string };
  resources: ResourceSnapshot[];
}

export function humanSnapshot(human: HumanIdentity): RequestSnapshot['human'] {
  return { id: human.id, name: human.name, ...policyHuman(human) };
}

/**
 * Owners and stewards of the requested objects (a column's are its dataset's), and their
 * sensitivity: a dataset's is that of its most sensitive column the chain could see.
 */
export async function resourceSnapshots(
  prisma: PrismaClient,
  objects: readonly PolicyObject[],
  lookup: (path: string) => PolicyObject | undefined,
  /** Columns more sensitive than the chain may ever see do not count: they stay hidden. */
  visibleUpTo: Sensitivity = 'RESTRICTED',
): Promise<ResourceSnapshot[]> {
  const datasetIds = objects.flatMap((object) => {
    if (object.kind === 'dataset') return [object.id];
    const dataset = object.kind === 'column' && object.datasetPath ? lookup(object.datasetPath) : undefined;
    return dataset ? [dataset.id] : [];
  });
  const ids = (kind: PolicyObject['kind']) =>
    objects.filter((object) => object.kind === kind).map((o) => o.id);
  // Only the tables something was asked from (most requests name datasets only).
  const none = Promise.resolve([]);
  const requestedDatasetIds = ids('dataset');
  const [datasets, metrics, terms, columns] = await Promise.all([
    datasetIds.length === 0
      ? none
      : prisma.dataset.findMany({
          where: { id: { in: datasetIds } },
          select: { id: true, path: true, ownerEmail: true, stewardEmails: true },
        }),
    ids('metric').length === 0
      ? none
      : prisma.metric.findMany({
          where: { id: { in: ids('metric') } },
          select: { id: true, ownerEmail: true },
        }),
    ids('glossary').length === 0
      ? none
      : prisma.glossaryTerm.findMany({
          where: { id: { in: ids('glossary') } },
          select: { id: true, ownerEmail: true },
        }),
    requestedDatasetIds.length === 0
      ? Promise.resolve([] as { datasetId: string; sensitivity: Sensitivity | null }[])
      : prisma.column.findMany({
          where: { datasetId: { in: requestedDatasetIds } },
          select: { datasetId: true, sensitivity: true },
        }),
  ]);
  const datasetsByPath = new Map(datasets.map((dataset) => [dataset.path, dataset]));
  type Owners = { ownerEmail: string | null; stewardEmails: string[] };
  const owners = new Map<string, Owners>();
  for (const dataset of datasets) owners.set(dataset.id, dataset);
  for (const row of [...metrics, ...terms])
    owners.set(row.id, { ownerEmail: row.ownerEmail, stewardEmails: [] });
  // A dataset is as sensitive as the most sensitive column it would show.
  const columnLevels = new Map<string, Sensitivity[]>();
  for (const column of columns) {
    if (column.sensitivity && mostSensitive([column.sensitivity, visibleUpTo]) === visibleUpTo)
      columnLevels.set(column.datasetId, [...(columnLevels.get(column.datasetId) ?? []), column.sensitivity]);
  }
  return objects.map((object) => {
    const owner =
      object.kind === 'column' ? datasetsByPath.get(object.datasetPath ?? '') : owners.get(object.id);
    return {
      id: object.id,
      path: object.path,
      kind: object.kind,
      tags: object.tags,
      domain: object.domain,
      sensitivity: mostSensitive([object.sensitivity, ...(columnLevels.get(object.id) ?? [])]),
      ownerEmail: owner?.ownerEmail ?? null,
      stewardEmails: owner?.stewardEmails ?? [],
    };
  });
}

/** A snapshot resource as the policy engine and the rules see objects (as it was at request time). */
export function snapshotObject(
  resource: Pick<ResourceSnapshot, 'id' | 'path' | 'kind' | 'tags' | 'domain' | 'sensitivity'>,
): PolicyObject {
  return {
    id: resource.id,
    kind: resource.kind,
    path: resource.path,
    datasetPath: null,
    tags: resource.tags,
    domain: resource.domain,
    sensitivity: resource.sensitivity,
    dependsOn: [],
  };
}
