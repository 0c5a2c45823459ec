import type http from 'node:http';
import net from 'node:net';
import { ApertureError } from '../shared/errors.ts';

/**
 * Listens on `port` at `host`. A port someone else holds is an expected failure with a message
 * that says which port and how to choose another, not a Node stack trace.
 */
export async function listen(server: http.Server | net.Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(explainListenError(error, port, host));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Fails fast, before the database is opened and migrated, when the port is taken. (The real
 * listen still reports a port taken in between.)
 */
export async function assertPortAvailable(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  await listen(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function explainListenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (error.code === 'EADDRINUSE') {
    return new ApertureError(
      'CONFLICT',
      `port ${port} is already in use on ${host} (is aperture already running?). ` +
        `Stop the other process, or choose another port: PORT=${port === 4000 ? 4001 : port + 1} npm start (PORT=0 picks a free one).`,
      { port, host },
      { cause: error },
    );
  }
  if (error.code === 'EACCES') {
    return new ApertureError(
      'FORBIDDEN',
      `not allowed to listen on ${where} (ports below 1024 need privileges): choose another with PORT, e.g. PORT=4000.`,
      { port, host },
      { cause: error },
    );
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new ApertureError(
      'INVALID_INPUT',
      `cannot listen on ${where}: no network interface has the address ${host}; set HOST (e.g. HOST=127.0.0.1 or HOST=0.0.0.0).`,
      { port, host },
      { cause: error },
    );
  }
  return error;
}
