import { beforeAll, describe, expect, it } from 'vitest';
import { requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';
import { sendRaw } from './support/http-raw.ts';

/**
 * Bad input and limits over real HTTP: every refusal is a clear error with a stable code, changes
 * nothing, and leaves the server answering the next request.
 */

const t = useRequestWorld();
let ana: string;
let agent: string;

beforeAll(async () => {
  ana = await t.world.humanToken('ana@acme.test');
  agent = await t.world.agentToken('ana@acme.test', { agent: 'Limits agent' });
});

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(body: string, headers: Record<string, string> = {}, token = ana): Promise<Answer> {
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const query = (document: string, variables: Record<string, unknown> = {}, token = ana) =>
  post(JSON.stringify({ query: document, variables }), {}, token);

/** The refusal's one error: its code and message (a stack or a library's internals never show). */
function refusal(answer: Answer) {
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors).toHaveLength(1);
  const [error] = answer.body.errors!;
  expect(JSON.stringify(error)).not.toMatch(/\bat .+:\d+:\d+|originalError|stack/);
  return { status: answer.status, code: error!.extensions?.code, message: error!.message };
}

/** The server still answers: one refusal does not take it (or its connection pool) down. */
async function stillHealthy() {
  expect((await query('{ health { status } viewer { kind } }')).body).toEqual({
    data: { health: { status: 'ok' }, viewer: { kind: 'HUMAN' } },
  });
}

const requestCount = () => t.db.prisma.accessRequest.count();

describe('documents that cost too much', () => {
  it('a query nested deeper than 10 levels is refused before it runs', async () => {
    let selection = 'name';
    for (let level = 0; level < 6; level += 1) selection = `columns { dataset { ${selection} } }`;
    const answer = refusal(await query(`{ dataset(path: "analytics.marts.customers") { ${selection} } }`));
    expect(answer).toMatchObject({ code: 'INVALID_INPUT' });
    expect(answer.message).toMatch(/depth/i);
    await stillHealthy();
  });

  it('more than 30 aliases in one document are refused', async () => {
    const fields = Array.from({ length: 31 }, (_, index) => `a${index}: viewer { kind }`).join(' ');
    const answer = refusal(await query(`{ ${fields} }`));
    expect(answer).toMatchObject({ code: 'INVALID_INPUT' });
    expect(answer.message).toMatch(/alias/i);
    await stillHealthy();
  });

  it('a document within depth and aliases but over the cost limit is refused', async () => {
    // Each page of 200 datasets multiplies what is below it: five of them cost more than 20 000.
    const page = 'datasets(first: 200) { edges { node { columns { name tags dataset { name } } } } }';
    const fields = Array.from({ length: 5 }, (_, index) => `p${index}: ${page}`).join(' ');
    const answer = refusal(await query(`{ ${fields} }`));
    expect(answer).toMatchObject({ code: 'INVALID_INPUT' });
    expect(answer.message).toMatch(/cost/i);
    await stillHealthy();
  });

  it('a field repeated with a directive flood is refused', async () => {
    const directives = Array.from({ length: 60 }, () => '@include(if: true)').join(' ');
    const answer = refusal(await query(`{ health ${directives} { status } }`));
    expect(answer).toMatchObject({ code: 'INVALID_INPUT' });
    expect(answer.message).toMatch(/directive/i);
    await stillHealthy();
  });

  it('a document of more than 1000 tokens is refused without being executed', async () => {
    const fields = Array.from({ length: 1_100 }, () => 'kind').join(' ');
    const answer = refusal(await query(`{ viewer { ${fields} } }`));
    expect(answer).toMatchObject({ code: 'INVALID_INPUT' });
    expect(answer.message).toMatch(/token/i);
    await stillHealthy();
  });

  it('batched operations (an array body) are refused, not run one by one', async () => {
    const before = await requestCount();
    const filing = {
      query: requestAccessMutation,
      variables: {
        input: {
          paths: ['analytics.marts.orders'],
          tier: 'READ',
          justification: 'Batched attack',
          duration: 'PT1H',
        },
      },
    };
    const answer = refusal(await post(JSON.stringify([filing, filing, filing]), {}, agent));
    expect(answer).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(answer.message).toMatch(/batch/i);
    expect(await requestCount()).toBe(before);
    await stillHealthy();
  });
});

describe('bodies', () => {
  it('a 5 MB body is refused with 413 before the server reads it', async () => {
    // Only the headers are sent: the answer comes without a byte of the body.
    const raw = await sendRaw(
      t.world.service.url,
      `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`,
    );
    expect(raw.status).toBe(413);
    expect(JSON.parse(raw.body)).toEqual({
      errors: [
        { message: 'the request body is larger than 1048576 bytes', extensions: { code: 'INVALID_INPUT' } },
      ],
    });
    const sent = await post(
      JSON.stringify({ query: '{ health { status } }', padding: 'x'.repeat(5_000_000) }),
    );
    expect(sent.status).toBe(413);
    await stillHealthy();
  });

  it('a chunked body that declares no length is refused with 411', async () => {
    const raw = await sendRaw(
      t.world.service.url,
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"que\r\n',
    );
    expect(raw.status).toBe(411);
    expect(JSON.parse(raw.body).errors[0].extensions.code).toBe('INVALID_INPUT');
    await stillHealthy();
  });

  it('a GraphQL POST as text/plain, a form or multipart (what a cross-site page sends) is refused with 415', async () => {
    const before = await requestCount();
    const document = JSON.stringify({ query: '{ viewer { kind } }' });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const answer = refusal(await post(document, { 'content-type': type }));
      expect(answer, type).toEqual({
        status: 415,
        code: 'INVALID_INPUT',
        message: 'a POST to /graphql must be application/json',
      });
    }
    expect(await requestCount()).toBe(before);
    await stillHealthy();
  });

  it('a mutation sent as GET (a link or an <img>) is refused and changes nothing', async () => {
    const before = await requestCount();
    const url = new URL(t.world.service.graphqlUrl);
    url.searchParams.set('query', requestAccessMutation);
    url.searchParams.set(
      'variables',
      JSON.stringify({
        input: {
          paths: ['analytics.marts.orders'],
          tier: 'READ',
          justification: 'Sent by a link',
          duration: 'PT1H',
        },
      }),
    );
    const response = await fetch(url, { headers: { authorization: `Bearer ${agent}` } });
    const answer = refusal({ status: response.status, body: (await response.json()) as Answer['body'] });
    expect(answer).toMatchObject({ status: 405, code: 'INVALID_INPUT' });
    expect(await requestCount()).toBe(before);
  });

  it('malformed JSON gets a clear error without the parser’s internals', async () => {
    const answer = refusal(await post('{"query": "{ viewer { kind } }", '));
    expect(answer).toEqual({ status: 400, code: 'INVALID_INPUT', message: 'POST body sent invalid JSON.' });
    await stillHealthy();
  });

  it('a body that is JSON but not an object (a string, a number, null) is refused', async () => {
    for (const body of ['"{ viewer { kind } }"', '42', 'null']) {
      const answer = refusal(await post(body));
      expect(answer.code, body).toBe('INVALID_INPUT');
      expect(answer.status, body).toBe(400);
    }
    await stillHealthy();
  });
});

describe('hostile values', () => {
  it('a variable of the wrong type answers INVALID_INPUT naming it, not an internal error', async () => {
    for (const path of [42, { path: 'analytics.marts.customers' }, ['analytics.marts.customers'], true]) {
      const answer = refusal(
        await query('query ($path: String!) { dataset(path: $path) { name } }', { path }),
      );
      expect(answer.code, JSON.stringify(path)).toBe('INVALID_INPUT');
      expect(answer.message).toMatch(/\$path/);
    }
    await stillHealthy();
  });

  it('deeply nested variables are refused as the wrong type, not recursed into', async () => {
    // 200 000 levels of arrays (written out: JSON.stringify itself would overflow the stack).
    const nested = `${'['.repeat(200_000)}"analytics.marts.customers"${']'.repeat(200_000)}`;
    const answer = refusal(
      await post(
        `{"query": "query ($path: String!) { dataset(path: $path) { name } }", "variables": {"path": ${nested}}}`,
      ),
    );
    expect(answer.code).toBe('INVALID_INPUT');
    await stillHealthy();
  });

  it('a very long justification is refused as invalid input and files nothing', async () => {
    const before = await requestCount();
    const answer = refusal(
      await query(
        requestAccessMutation,
        {
          input: {
            paths: ['analytics.marts.orders'],
            tier: 'READ',
            justification: 'y'.repeat(500_000),
            duration: 'PT1H',
          },
        },
        agent,
      ),
    );
    expect(answer.code).toBe('INVALID_INPUT');
    expect(answer.message).toMatch(/justification/);
    expect(await requestCount()).toBe(before);
  });

  it('a very long path answers like any unknown path', async () => {
    const long = await query('query ($p: String!) { dataset(path: $p) { name } }', {
      p: 'a.'.repeat(100_000),
    });
    const short = await query('query ($p: String!) { dataset(path: $p) { name } }', { p: 'a.b.c' });
    expect(long).toEqual(short);
  });

  it('a null byte in a path or a request answers like any unknown path, not a database error', async () => {
    const withNull = await query('query ($p: String!) { dataset(path: $p) { name } }', {
      p: 'analytics.marts.customers\u0000',
    });
    expect(withNull).toEqual({ status: 200, body: { data: { dataset: null } } });
    const before = await requestCount();
    const filed = refusal(
      await query(
        requestAccessMutation,
        {
          input: {
            paths: ['analytics.marts.orders\u0000; DROP TABLE x'],
            tier: 'READ',
            justification: 'Null byte \u0000 in here',
            duration: 'PT1H',
          },
        },
        agent,
      ),
    );
    expect(filed.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(await requestCount()).toBe(before);
    await stillHealthy();
  });

  it('unicode and escapes in paths answer like any unknown path', async () => {
    const unknown = await query('query ($p: String!) { dataset(path: $p) { name } }', { p: 'no.such.thing' });
    for (const p of [
      'analytics.marts.customérs',
      'analytics.marts.cust\u202Eomers',
      '😀.😀.😀',
      'analytics.marts.%',
    ]) {
      const answer = await query('query ($p: String!) { dataset(path: $p) { name } }', { p });
      expect(answer, p).toEqual(unknown);
    }
  });

  it('unicode, NUL and traversal in the URL path answer a plain JSON 404', async () => {
    for (const path of ['/%F0%9F%98%80', '/graphql%00', '/..%2F..%2Fetc%2Fpasswd', '/%E2%80%AEgraphql']) {
      const response = await fetch(`${t.world.service.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toEqual({
        errors: [{ message: 'no such endpoint', extensions: { code: 'NOT_FOUND' } }],
      });
    }
    await stillHealthy();
  });
});
