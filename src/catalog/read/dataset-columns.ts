import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../../db/open-database.ts';
import type { Column } from './catalog-reader.ts';

/** How many datasets' columns stay in memory: a few hundred thousand column rows. */
const defaultCapacity = 10_000;

/**
 * The columns of each dataset, for one catalog version: loaded from the database on first use,
 * batched across concurrent requests, and kept for the most recently used datasets. A catalog of
 * millions of columns need not live in memory; the datasets agents look at do.
 */
export class DatasetColumns {
  private readonly loader: DataLoader<string, Column[]>;

  constructor(prisma: PrismaClient, capacity = defaultCapacity) {
    this.loader = new DataLoader(
      async (datasetIds) => {
        const rows = await prisma.column.findMany({
          where: { datasetId: { in: [...datasetIds] } },
          orderBy: { position: 'asc' },
        });
        const groups = new Map<string, Column[]>(datasetIds.map((id) => [id, []]));
        for (const row of rows) groups.get(row.datasetId)?.push(row);
        return datasetIds.map((id) => groups.get(id)!);
      },
      { cacheMap: new LRUCache<string, Promise<Column[]>>({ max: capacity }), maxBatchSize: 500 },
    );
  }

  /** A dataset's columns in position order. */
  async of(datasetId: string): Promise<Column[]> {
    try {
      return await this.loader.load(datasetId);
    } catch (error) {
      // A failed load is not remembered: the next request tries again.
      this.loader.clear(datasetId);
      throw error;
    }
  }
}
