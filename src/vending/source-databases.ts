import { SourceDatabase } from './postgres/source-database.ts';
import type { SourceConnections } from './source-connections.ts';

/** One SourceDatabase per registered source, opened on first use. */
export class SourceDatabases {
  private readonly open = new Map<string, SourceDatabase>();

  constructor(private readonly connections: SourceConnections) {}

  get(source: string): SourceDatabase | null {
    const connection = this.connections.get(source);
    if (!connection) return null;
    let database = this.open.get(source);
    if (!database) {
      database = new SourceDatabase(connection);
      this.open.set(source, database);
    }
    return database;
  }

  async close(): Promise<void> {
    const databases = [...this.open.values()];
    this.open.clear();
    await Promise.all(databases.map((database) => database.close()));
  }
}
