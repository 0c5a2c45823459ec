import net from 'node:net';

/**
 * A TCP proxy on loopback between the service and PostgreSQL that a test can break: `hang()`
 * stops forwarding in both directions (a database that takes connections and answers nothing),
 * `cut()` closes every connection and refuses new ones, `heal()` forwards again.
 */
export interface TcpFaultProxy {
  port: number;
  hang(): void;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  let mode: 'forward' | 'hang' | 'cut' = 'forward';
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === 'hang') pause(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pause = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const resume = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    hang() {
      mode = 'hang';
      for (const pair of pairs) pause(pair);
    },
    cut() {
      mode = 'cut';
      for (const [client, upstream] of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
    },
    heal() {
      if (mode === 'hang') for (const pair of pairs) resume(pair);
      mode = 'forward';
    },
    async close() {
      for (const [client, upstream] of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
