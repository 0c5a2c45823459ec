import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { logLevels, useSurfaceWorld } from '../security/support/surface-world.ts';
import { requestAccessMutation } from '../support/requests-fixture.ts';

/**
 * What a caller sees of a failure, over real HTTP: an expected one (ApertureError) keeps its
 * message, `extensions.code` and details; anything else is "Unexpected error." and nothing more,
 * with where it failed (`locations`, `path`) and the request id that finds the real error in the
 * log.
 */
const t = useSurfaceWorld();

interface GraphQLErrorBody {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Posts with a request id of our own; returns the answer, its request id header and its log lines. */
async function post(token: string, query: string, variables: Record<string, unknown> = {}) {
  const requestId = `contract-${randomUUID()}`;
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphQLErrorBody[] };
  // The access line is written when the response has finished: every other line is in by then.
  await expect.poll(() => t.linesOf(requestId).some((line) => line.msg === 'request')).toBe(true);
  return {
    status: response.status,
    requestIdHeader: response.headers.get('x-request-id'),
    body,
    lines: t.linesOf(requestId),
    requestId,
  };
}

const columnsQuery = `query Columns($path: String!) {
  dataset(path: $path) {
    path
    columns { name }
  }
}`;
/** The service keeps the columns of datasets it has shown: the broken read is of one it has not. */
const shown = { path: 'analytics.staging.stg_customers' };
const notYetShown = { path: 'analytics.staging.country_codes' };

describe('an unexpected error', () => {
  it('is masked, keeps where it happened, and its request id finds the cause in the log', async () => {
    const token = await t.world.humanToken('ana@acme.test');
    const healthy = await post(token, columnsQuery, shown);
    expect(healthy.body.errors).toBeUndefined();
    // The service's database loses a table under it (a migration of another version, say): the
    // columns of a dataset can no longer be read.
    await t.db.sql.query('ALTER TABLE "Column" RENAME TO "ColumnGone"');
    let broken: Awaited<ReturnType<typeof post>>;
    try {
      broken = await post(token, columnsQuery, notYetShown);
    } finally {
      await t.db.sql.query('ALTER TABLE "ColumnGone" RENAME TO "Column"');
    }
    expect(broken.status).toBe(200);
    // The whole answer: nothing of the cause (table, SQL, driver, stack) reaches the caller.
    expect(broken.body).toEqual({
      // `columns` cannot be null: its dataset is.
      data: { dataset: null },
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 4, column: 5 }],
          path: ['dataset', 'columns'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
    // The caller quotes the request id; the log has the cause under it, at ERROR.
    expect(broken.requestIdHeader).toBe(broken.requestId);
    const errors = broken.lines.filter((line) => line.level >= logLevels.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'unexpected error in a GraphQL operation',
      requestId: broken.requestId,
      path: ['dataset', 'columns'],
    });
    expect(JSON.stringify(errors[0])).toMatch(/Column/);
    // And the service answers again once the table is back: a failed read is not remembered.
    const again = await post(token, columnsQuery, notYetShown);
    expect(again.body.errors).toBeUndefined();
    const { dataset } = again.body.data as { dataset: { columns: { name: string }[] } };
    expect(dataset.columns.length).toBeGreaterThan(0);
  });
});

describe('an expected error', () => {
  it('keeps its message, code, details and path, and is no ERROR in the log', async () => {
    const agent = await t.world.agentToken('ana@acme.test');
    const refused = await post(agent, requestAccessMutation, {
      input: { paths: [], tier: 'READ', justification: 'no', duration: 'soon' },
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({
      data: null,
      errors: [
        expect.objectContaining({
          message: expect.stringMatching(/^input: invalid input\n {2}- paths: /),
          path: ['requestAccess'],
          extensions: {
            code: 'INVALID_INPUT',
            details: {
              input: 'input',
              problems: [
                { location: 'paths', message: 'name at least one object' },
                { location: 'justification', message: 'say why, in at least 10 characters' },
                {
                  location: 'duration',
                  message: expect.stringMatching(/ISO 8601 duration/),
                },
              ],
            },
          },
        }),
      ],
    });
    expect(refused.lines.filter((line) => line.level >= logLevels.error)).toEqual([]);
  });

  it('without details has only its code', async () => {
    // A human's own token may not file requests: only an agent acting for them.
    const human = await t.world.humanToken('ana@acme.test');
    const refused = await post(human, requestAccessMutation, {
      input: {
        paths: ['analytics.marts.customers'],
        tier: 'READ',
        justification: 'Quarterly revenue',
        duration: 'PT1H',
      },
    });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: expect.any(String),
        path: ['requestAccess'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    expect(refused.lines.filter((line) => line.level >= logLevels.error)).toEqual([]);
  });
});
