import { z } from 'zod';
import { ttlSecondsSchema } from '../../vending/vend-input.ts';
import type { VendedCredential } from '../../vending/vended-credential.ts';
import { fitItems, type ToolAnswer } from '../budget/fit-to-budget.ts';
import { defineTool } from '../mcp-tool.ts';

const input = z
  .object({
    source: z
      .string()
      .min(1)
      .max(200)
      .describe('The catalog source to query (the first segment of a dataset path).'),
    ttlSeconds: ttlSecondsSchema.optional().describe('A shorter life than the maximum, in seconds.'),
  })
  .strict();

const datasetSchema = z.object({
  dataset: z.string().describe('The catalog path.'),
  relation: z
    .string()
    .describe('What to write in FROM: a view with your columns, masks applied and rows filtered.'),
  columns: z.array(z.string()),
  masked: z.array(z.object({ column: z.string(), method: z.string() })),
  rowFilter: z.string().nullable().describe('The rows the database shows you; null: every row.'),
});

const output = z.object({
  source: z.string(),
  host: z.string(),
  port: z.number().int(),
  database: z.string(),
  username: z.string(),
  password: z.string().describe('Shown once; aperture keeps no copy.'),
  expiresAt: z.string().describe('ISO 8601; the login and its open sessions end then.'),
  limitedBy: z.string().describe('What ends it first: maximum, requested, token, intent or grant.'),
  datasets: z.array(datasetSchema),
  moreDatasets: z.number().int().describe('Readable datasets left out of this answer for its size.'),
});

type Output = z.output<typeof output>;

function datasetLine(dataset: VendedCredential['datasets'][number]): string {
  const masked = dataset.masked.map((entry) => `${entry.column} (${entry.method})`).join(', ');
  return [
    `- ${dataset.dataset}: SELECT ${dataset.columns.join(', ')} FROM ${dataset.relation}`,
    ...(masked ? [`  masked: ${masked}`] : []),
    ...(dataset.rowFilter ? [`  rows: ${dataset.rowFilter}`] : []),
  ].join('\n');
}

export const getDatabaseCredentialTool = defineTool({
  name: 'get_database_credential',
  title: 'Get a database login',
  description:
    "A short-lived PostgreSQL login for one source that reads exactly what you may read there: each readable dataset is a view in aperture's schema with only your columns, masks applied and rows filtered by the database itself. Query the `relation` of each dataset. The login follows changes to your access and ends at expiresAt (or sooner, if your access ends).",
  input,
  output,
  // It makes a login in a source the operator registered: a closed world, and nothing is destroyed.
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: false },
  async run({ source, ttlSeconds }, { caller: { viewer }, modules: { vending }, options }) {
    const credential = await vending.vend(viewer, source, ttlSeconds ?? null);
    const render = (
      shown: readonly VendedCredential['datasets'][number][],
      left: number,
    ): ToolAnswer<Output> => ({
      structured: {
        source: credential.source,
        host: credential.host,
        port: credential.port,
        database: credential.database,
        username: credential.username,
        password: credential.password,
        expiresAt: credential.expiresAt.toISOString(),
        limitedBy: credential.limitedBy,
        datasets: [...shown],
        moreDatasets: left,
      },
      text: [
        `login for ${credential.source}: host=${credential.host} port=${credential.port} dbname=${credential.database} user=${credential.username} password=${credential.password}`,
        `ends ${credential.expiresAt.toISOString()} (${credential.limitedBy})`,
        `readable datasets (${credential.datasets.length}):`,
        ...shown.map(datasetLine),
        ...(left > 0
          ? [
              `${left} more readable datasets: describe_object names their columns; their views are in the same schema`,
            ]
          : []),
      ].join('\n'),
    });
    return fitItems(credential.datasets, options.resultTokens, render).answer;
  },
});
