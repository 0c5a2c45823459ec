import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/server/create-http-server.ts';
import { stopHttpServer } from '../../src/server/stop-http-server.ts';

const logger = pino({ level: 'silent' });

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

async function listen(server: ReturnType<typeof createHttpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('HTTP server', () => {
  it('lets in-flight requests finish on stop and refuses new connections', async () => {
    const requestArrived = deferred();
    const releaseResponse = deferred();
    const server = createHttpServer(
      [
        {
          prefix: '/slow',
          handle: async (_request, response) => {
            requestArrived.resolve();
            await releaseResponse.promise;
            response.end('finished');
          },
        },
      ],
      logger,
    );
    const url = await listen(server);
    const inFlight = fetch(`${url}/slow`).then((response) => response.text());
    await requestArrived.promise;
    const stopped = stopHttpServer(server, 5_000);
    await expect(fetch(`${url}/slow`)).rejects.toThrow();
    releaseResponse.resolve();
    expect(await inFlight).toBe('finished');
    await stopped;
  });

  it('answers unknown paths with 404 and echoes or assigns a request id', async () => {
    const server = createHttpServer([], logger);
    const url = await listen(server);
    try {
      const given = await fetch(`${url}/nothing`, { headers: { 'x-request-id': 'trace-123' } });
      expect(given.status).toBe(404);
      expect(given.headers.get('x-request-id')).toBe('trace-123');
      const hostile = await fetch(`${url}/nothing`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await stopHttpServer(server, 1_000);
    }
  });
});
