import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

/**
 * A PostgreSQL cluster of the fault suite's own (initdb in a temporary folder, loopback only), so
 * that a scenario may shut it down, fast or immediately, without touching the machine's shared
 * server. Run as root, the cluster belongs to the `postgres` user (initdb refuses root).
 */
export class ScratchCluster {
  private constructor(
    private readonly folder: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  static async create(): Promise<ScratchCluster> {
    const bin = postgresBinaries();
    const folder = mkdtempSync(path.join(tmpdir(), 'aperture-faults-pg-'));
    const cluster = new ScratchCluster(folder, await freePort(), bin);
    if (isRoot()) chownSync(folder, postgresUid(), postgresGid());
    cluster.run('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return this.urlOf('postgres');
  }

  urlOf(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    await this.withClient((client) => client.query(`CREATE DATABASE "${name}"`));
    return this.urlOf(name);
  }

  async start(): Promise<void> {
    this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.folder, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      // Durability is not under test here (the machine is): no fsync keeps the suite fast.
      `-p ${this.port} -k ${this.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  }

  /** `fast`: sessions are ended and the server checkpoints; `immediate`: a crash, recovery at start. */
  stop(mode: 'fast' | 'immediate'): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Stops the server (`mode`), leaves it down for `downMs`, and starts it again. */
  async restart(mode: 'fast' | 'immediate', downMs: number): Promise<{ downAt: number; upAt: number }> {
    const downAt = Date.now();
    this.stop(mode);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
    return { downAt, upAt: Date.now() };
  }

  async withClient<T>(work: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
    const client = new pg.Client({ connectionString: this.urlOf(database) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  dispose(): void {
    try {
      this.stop('immediate');
    } catch {
      // Already down.
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return path.join(this.folder, 'data');
  }

  private run(program: string, args: string[]): void {
    const command = path.join(this.bin, program);
    const result = isRoot()
      ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
      : spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${program} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
    }
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
}

function postgresGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
}

/** The newest installed server's programs (Debian keeps each major version apart). */
function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no PostgreSQL server under ${root}`);
  return path.join(root, newest, 'bin');
}
