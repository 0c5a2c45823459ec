import type { Prisma, VendedRole } from '../../../generated/prisma/client.ts';
import { type Channel, channelNames } from '../../audit/index.ts';
import type { VendedDatasetAccess } from '../role-grants.ts';

/** What a login reads, as its record stores it. */
export function storedAccess(record: Pick<VendedRole, 'access'>): VendedDatasetAccess[] {
  return (record.access as unknown as { datasets: VendedDatasetAccess[] }).datasets;
}

export function accessToStore(datasets: readonly VendedDatasetAccess[]): Prisma.InputJsonValue {
  return { datasets } as unknown as Prisma.InputJsonValue;
}

/** The door a login was vended through, as stored (`{}`: none known). */
export function storedChannel(channel: Channel | null): Prisma.InputJsonObject {
  return channel ? { name: channel.name, client: channel.client } : {};
}

export function channelOf(stored: Prisma.JsonValue): Channel | null {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored) || typeof stored.name !== 'string') {
    return null;
  }
  const name = channelNames.find((known) => known === stored.name);
  return name ? { name, client: typeof stored.client === 'string' ? stored.client : null } : null;
}

/** A dataset as audit events tell it (the shape and filter keys are internal). */
export function auditedDataset(dataset: VendedDatasetAccess) {
  return {
    dataset: dataset.dataset,
    relation: dataset.relation,
    columns: dataset.columns,
    masked: dataset.masked,
    rowFilter: dataset.rowFilter,
  };
}

/** The audit actor of a login: the human and the agent chain it was vended to. */
export function loginActor(record: Pick<VendedRole, 'humanId' | 'chain'>) {
  return { humanId: record.humanId, agentChain: record.chain };
}
