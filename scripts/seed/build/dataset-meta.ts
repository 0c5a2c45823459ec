import { domainInfo, governanceLead, platformSteward } from '../domains.ts';
import type { ColumnSpec, Domain, Sensitivity } from '../types.ts';
import { isPiiColumn } from './columns.ts';
import type { DatasetMeta } from './manifest-types.ts';
import { uniqueDeduped } from './project.ts';

export interface DatasetIdentity {
  readonly domain: Domain;
  readonly sensitivity: Sensitivity;
  readonly owner?: string | undefined;
  readonly stewards?: readonly string[] | undefined;
  /** Sources and staging models also get the platform steward. */
  readonly technical: boolean;
}

/** `meta` of every dataset: domain, owner, stewards, sensitivity. */
export function datasetMeta(identity: DatasetIdentity): DatasetMeta {
  const info = domainInfo[identity.domain];
  const stewards = uniqueDeduped([
    ...(identity.stewards ?? info.stewards),
    ...(identity.technical ? [platformSteward] : []),
    ...(identity.sensitivity === 'restricted' ? [governanceLead] : []),
  ]);
  return {
    domain: identity.domain,
    owner: identity.owner ?? info.owner,
    stewards,
    sensitivity: identity.sensitivity,
  };
}

/** Dataset tags: the domain, layer tags, declared tags, and `pii` when any column holds PII. */
export function datasetTags(
  domain: Domain,
  layerTags: readonly string[],
  declared: readonly string[],
  columns: readonly ColumnSpec[],
): string[] {
  return uniqueDeduped([domain, ...layerTags, ...declared, ...(columns.some(isPiiColumn) ? ['pii'] : [])]);
}
