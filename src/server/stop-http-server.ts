import type http from 'node:http';

/**
 * Stops accepting connections, lets in-flight requests finish, and cuts whatever is still open
 * after `timeoutMs`. Resolves once the server is closed.
 */
export function stopHttpServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
