/** Where the database lives: a PostgreSQL server, or an embedded PGlite data folder. */
export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'embedded'; dataDir: string };
