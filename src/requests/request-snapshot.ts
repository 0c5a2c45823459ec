import type { Channel } from '../audit/channel.ts';
import type { StoredCatalogReader } from '../catalog/read/catalog-reader.ts';
import { mostSensitive, type Sensitivity } from '../catalog/sensitivity.ts';
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
  /** The door the request came through (absent on requests filed before channels were recorded). */
  channel?: Channel | null;
}

export function humanSnapshot(human: HumanIdentity): RequestSnapshot['human'] {
  return { id: human.id, name: human.name, ...policyHuman(human) };
}

/**
 * Owners and stewards of the requested objects (a column's are its dataset's), and their
 * sensitivity: a dataset's is that of its most sensitive column the chain could see. Read from the
 * catalog version the request was decided under (in memory; a dataset's columns on first use).
 */
export async function resourceSnapshots(
  stored: StoredCatalogReader,
  objects: readonly PolicyObject[],
  lookup: (path: string) => PolicyObject | undefined,
  /** Columns more sensitive than the chain may ever see do not count: they stay hidden. */
  visibleUpTo: Sensitivity = 'RESTRICTED',
): Promise<ResourceSnapshot[]> {
  const ownersOf = async (
    object: PolicyObject,
  ): Promise<{ ownerEmail: string | null; stewardEmails: string[] }> => {
    if (object.kind === 'metric')
      return { ownerEmail: (await stored.metricById(object.id))?.ownerEmail ?? null, stewardEmails: [] };
    if (object.kind === 'glossary')
      return {
        ownerEmail: (await stored.glossaryTermById(object.id))?.ownerEmail ?? null,
        stewardEmails: [],
      };
    const datasetId = object.kind === 'dataset' ? object.id : lookup(object.datasetPath ?? '')?.id;
    const dataset = datasetId ? await stored.datasetById(datasetId) : null;
    return { ownerEmail: dataset?.ownerEmail ?? null, stewardEmails: dataset?.stewardEmails ?? [] };
  };
  /** A dataset is as sensitive as the most sensitive column it would show. */
  const columnLevels = async (object: PolicyObject): Promise<Sensitivity[]> => {
    if (object.kind !== 'dataset') return [];
    return (await stored.columnsOf(object.id)).flatMap((column) =>
      column.sensitivity && mostSensitive([column.sensitivity, visibleUpTo]) === visibleUpTo
        ? [column.sensitivity]
        : [],
    );
  };
  return Promise.all(
    objects.map(async (object) => {
      const [owners, levels] = await Promise.all([ownersOf(object), columnLevels(object)]);
      return {
        id: object.id,
        path: object.path,
        kind: object.kind,
        tags: object.tags,
        domain: object.domain,
        sensitivity: mostSensitive([object.sensitivity, ...levels]),
        ...owners,
      };
    }),
  );
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
