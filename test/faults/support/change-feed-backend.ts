import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { FaultWorld } from './fault-world.ts';
import type { Replica } from './replica.ts';

/**
 * The PostgreSQL backend serving `replica`'s LISTEN connection: the session named
 * `aperture-change-feed` whose client port is one of the replica process's own sockets (found
 * through /proc, as `ss -p` would).
 */
export async function changeFeedBackendPid(world: FaultWorld, replica: Replica): Promise<number> {
  const ports = localPortsOf(replica.pid!);
  const sessions = await world.cluster.withClient((client) =>
    client.query<{ pid: number; client_port: number }>(
      `SELECT pid, client_port FROM pg_stat_activity WHERE application_name = 'aperture-change-feed'`,
    ),
  );
  const session = sessions.rows.find((row) => ports.has(row.client_port));
  if (!session) throw new Error(`no change-feed session of ${replica.name} (pid ${replica.pid})`);
  return session.pid;
}

/** The local TCP ports of a process's sockets. */
function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      ports.add(Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}
