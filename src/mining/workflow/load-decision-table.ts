import type { PrismaClient } from '../../db/open-database.ts';
import type { DecisionTable } from '../decision-table.ts';
import { DecisionRecordEncoder } from '../encode-decision-records.ts';
import { countHumanDecisions, decidedRequestBatches } from './decided-request-batches.ts';
import { decisionRecordsOf } from './decisions-from-requests.ts';

/** Progress of a long operation, in the shape the CLI's progress bar shows. */
export interface MiningProgress {
  phase: string;
  done: number;
  total: number;
}

/** The human decisions in the database, encoded for the miner. */
export interface LoadedDecisions {
  table: DecisionTable;
  /** Requests people decided (a request on several objects is one request, several decisions). */
  requests: number;
  /** Decided requests left out because their snapshot could not be read. */
  skipped: number;
}

/**
 * Encodes every request a person approved or denied, read in batches and added to the decision
 * table as it goes: memory holds the encoded table (typed arrays), never the rows.
 */
export async function loadDecisionTable(
  prisma: PrismaClient,
  onProgress?: (progress: MiningProgress) => void,
): Promise<LoadedDecisions> {
  const total = await countHumanDecisions(prisma);
  const encoder = new DecisionRecordEncoder();
  let read = 0;
  let requests = 0;
  onProgress?.({ phase: 'reading decisions', done: 0, total });
  for await (const batch of decidedRequestBatches(prisma)) {
    for (const request of batch.requests) {
      for (const record of decisionRecordsOf(request, batch.lookups)) encoder.add(record);
    }
    read += batch.rows;
    requests += batch.requests.length;
    onProgress?.({ phase: 'reading decisions', done: Math.min(read, total), total: Math.max(total, read) });
  }
  return { table: encoder.build(), requests, skipped: read - requests };
}
