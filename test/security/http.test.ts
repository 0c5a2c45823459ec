import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { createHttpServer } from '../../src/server/create-http-server.ts';
import { stopHttpServer } from '../../src/server/stop-http-server.ts';
import { createTestDatabase, silentLogger as logger, type TestDatabase } from '../support/test-database.ts';
import { startTestService } from '../support/test-service.ts';
import { witnessedAuditLog } from '../support/witnessed-audit-log.ts';
import { sendRaw } from './support/http-raw.ts';

/** The HTTP surface as a browser-borne or header-crafting attacker meets it. */

let db: TestDatabase;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService(db);
});
afterAll(async () => {
  await service?.stop();
  await db?.dispose();
});

const healthQuery = JSON.stringify({ query: '{ health { status } }' });

function postHealth(headers: Record<string, string> = {}) {
  return fetch(service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: healthQuery,
  });
}

const corsHeaders = (response: Response) =>
  [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a page on another origin', () => {
  it('cannot call the API from a browser: refused, and nothing tells the browser it may read the answer', async () => {
    const response = await postHealth({ origin: 'https://evil.example', authorization: 'Bearer stolen' });
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual([]);
    expect(await response.json()).toEqual({
      errors: [{ message: 'cross-origin requests are not accepted', extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('gets no CORS preflight grant for credentials or the Authorization header', async () => {
    const response = await fetch(service.graphqlUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual([]);
  });

  it('cannot pass as same-origin from a sandboxed frame (Origin: null) or a look-alike host', async () => {
    const ownHost = new URL(service.url).host;
    for (const origin of ['null', `http://${ownHost}.evil.example`, `http://evil.example/${ownHost}`]) {
      const response = await postHealth({ origin });
      expect(response.status, origin).toBe(403);
      expect(corsHeaders(response), origin).toEqual([]);
    }
  });

  it('cannot reach the token endpoint or the Slack receiver from a browser either', async () => {
    const token = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=urn:ietf:params:oauth:grant-type:token-exchange',
    });
    expect(token.status).toBe(403);
    expect(corsHeaders(token)).toEqual([]);
  });

  it('is not confused with the service itself: its own origin still calls the API', async () => {
    const response = await postHealth({ origin: service.url });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { health: { status: 'ok' } } });
  });
});

describe('every answer', () => {
  it('tells browsers not to sniff, frame or cache it, and names no framework or server', async () => {
    const answers = [
      await postHealth(),
      await fetch(`${service.url}/no/such/path`),
      await fetch(`${service.url}/oauth/token`),
      await postHealth({ origin: 'https://evil.example' }),
    ];
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options'), answer.url).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), answer.url).toBe('DENY');
      expect(answer.headers.get('cache-control'), answer.url).toBe('no-store');
      expect(answer.headers.get('x-powered-by'), answer.url).toBeNull();
      expect(answer.headers.get('server'), answer.url).toBeNull();
    }
  });

  it('for an unknown path is a JSON 404 that does not reflect the path', async () => {
    const response = await fetch(`${service.url}/%3Cscript%3Ealert(1)%3C/script%3E`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe(
      JSON.stringify({ errors: [{ message: 'no such endpoint', extensions: { code: 'NOT_FOUND' } }] }),
    );
  });
});

describe('the base URL', () => {
  it('GET / sends a browser to the GraphQL endpoint; other methods and // paths are a 404', async () => {
    const home = await fetch(`${service.url}/`, { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/graphql');
    expect((await fetch(`${service.url}/`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${service.url}//evil.example`, { redirect: 'manual' })).status).toBe(404);
  });
});

describe('the request id header', () => {
  it('cannot smuggle a header into the answer with an encoded CR LF', async () => {
    const response = await postHealth({ 'x-request-id': 'abc%0d%0aSet-Cookie:%20session=attacker' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(uuid);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('cannot smuggle a header with a raw CR: the request is refused before any handler', async () => {
    const raw = await sendRaw(
      service.url,
      'GET /graphql?query=%7Bhealth%7Bstatus%7D%7D HTTP/1.1\r\nHost: localhost\r\n' +
        'X-Request-Id: abc\rSet-Cookie: session=attacker\r\nConnection: close\r\n\r\n',
    );
    expect(raw.status).toBe(400);
    expect(raw.headers['set-cookie']).toBeUndefined();
    expect(raw.body).not.toContain('attacker');
  });

  it('is replaced by a fresh id when overly long, and kept when it is a sane 100 characters', async () => {
    const long = await postHealth({ 'x-request-id': 'a'.repeat(101) });
    expect(long.headers.get('x-request-id')).toMatch(uuid);
    const sane = await postHealth({ 'x-request-id': `trace-${'b'.repeat(94)}` });
    expect(sane.headers.get('x-request-id')).toBe(`trace-${'b'.repeat(94)}`);
  });

  it('does not reflect markup or unicode given as an id, in headers or body', async () => {
    for (const id of ['<script>alert(1)</script>', 'ｉｄ-ü-😀', 'a b', '../../etc/passwd']) {
      const response = await fetch(`${service.url}/nothing`, {
        headers: { 'x-request-id': encodeURIComponent(id) },
      });
      expect(response.headers.get('x-request-id'), id).toMatch(uuid);
      expect(await response.text(), id).not.toContain('script');
    }
  });
});

describe('request framing', () => {
  const body = '{"query":"{ health { status } }"}';
  const head = 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n';
  const smuggled = 'GET /graphql?query=%7Bhealth%7Bstatus%7D%7D HTTP/1.1\r\nHost: localhost\r\n\r\n';

  it('a request that smuggles a second one (Content-Length with Transfer-Encoding, two lengths, bad lengths) is refused whole', async () => {
    const attempts = {
      'length and chunked': `${head}Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
      'two lengths': `${head}Content-Length: ${body.length}\r\nContent-Length: 5\r\n\r\n${body}`,
      'not a number': `${head}Content-Length: abc\r\n\r\n${body}`,
      negative: `${head}Content-Length: -1\r\n\r\n${body}`,
      'beyond any integer': `${head}Content-Length: 99999999999999999999999\r\n\r\n`,
    };
    for (const [name, bytes] of Object.entries(attempts)) {
      const raw = await sendRaw(service.url, bytes, 300);
      expect(raw.status, name).toBe(400);
      // One answer only: the smuggled request was never read as a request of its own.
      expect(raw.body, name).not.toMatch(/HTTP\/1\.1|"status":"ok"/);
    }
  });

  it('an unknown transfer coding is refused as a body without a declared length', async () => {
    const raw = await sendRaw(service.url, `${head}Transfer-Encoding: xchunked\r\n\r\n${body}`, 300);
    expect(raw.status).toBe(411);
    expect(JSON.parse(raw.body)).toEqual({
      errors: [
        { message: 'a request body must declare its Content-Length', extensions: { code: 'INVALID_INPUT' } },
      ],
    });
  });

  it('headers larger than 16 KiB are refused before any handler', async () => {
    const raw = await sendRaw(
      service.url,
      `GET /graphql?query=%7Bhealth%7Bstatus%7D%7D HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      300,
    );
    expect(raw.status).toBe(431);
  });
});

describe('slow clients', () => {
  it('a client that trickles its headers (slowloris) is cut off with 408 when its time is up', async () => {
    const server = createHttpServer(
      [
        {
          prefix: '/graphql',
          handle: (_request, response) => {
            response.end();
          },
        },
      ],
      logger,
      {
        publicUrl: null,
        headersTimeoutMs: 500,
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const raw = await sendRaw(url, 'GET /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: a', 5_000);
      expect(raw.status).toBe(408);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await stopHttpServer(server, 1_000);
    }
  });
});

describe('GraphiQL', () => {
  it('is not served in the production configuration: no HTML page, the endpoint stays an API', async () => {
    const { keyFile } = await witnessedAuditLog(db.prisma);
    const production = await startTestService(db, {
      env: { NODE_ENV: 'production', APERTURE_AUDIT_KEY_FILE: keyFile },
    });
    try {
      const page = await fetch(production.graphqlUrl, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect(await page.text()).not.toMatch(/<html|graphiql/i);
    } finally {
      await production.stop();
    }
  });
});
