import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { checkoutCli } from '../../support/spawn-cli.ts';
import { freePort } from './free-port.ts';

const shiftedClock = path.resolve('test/faults/support/shifted-clock.mjs');

/**
 * One replica of the real server: `aperture start` in its own process, on its own port, which it
 * keeps across restarts (as a load balancer's backend would). Its log goes to `logFile`.
 */
export class Replica {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private clockShiftMs = 0;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  static async create(name: string, env: Record<string, string>, logFolder: string): Promise<Replica> {
    return new Replica(name, await freePort(), env, path.join(logFolder, `${name}.log`));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process and resolves once it serves (its GraphQL URL printed); `clockShiftMs` skews its clock. */
  async start(options: { clockShiftMs?: number; timeoutMs?: number } = {}): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    this.clockShiftMs = options.clockShiftMs ?? 0;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...this.env,
      PORT: String(this.port),
      HOST: '127.0.0.1',
    };
    if (this.clockShiftMs !== 0) {
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import ${shiftedClock}`.trim();
      env.FAULTS_CLOCK_SHIFT_MS = String(this.clockShiftMs);
    }
    appendFileSync(this.logFile, `\n=== ${this.name} starting at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [checkoutCli, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('close', resolve));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    let output = '';
    const timeoutMs = options.timeoutMs ?? 90_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        appendFileSync(this.logFile, text);
        if (output.length < 200_000) output += text;
        if (/GraphQL at http:\/\//.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void this.exited!.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} before it served:\n${output.slice(-4000)}`));
      });
    });
    // Keep logging after start.
    child.stdout!.removeAllListeners('data');
    child.stderr!.removeAllListeners('data');
    child.stdout!.on('data', (chunk: Buffer) => appendFileSync(this.logFile, chunk));
    child.stderr!.on('data', (chunk: Buffer) => appendFileSync(this.logFile, chunk));
  }

  /** `kill -9`: no shutdown, no cleanup; whatever it held (job leases, connections) is left behind. */
  async kill(): Promise<void> {
    const exited = this.exited;
    this.child?.kill('SIGKILL');
    await exited;
  }

  /** A graceful stop (SIGTERM): it drains, releases and exits. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    const exited = this.exited;
    if (!this.child) return null;
    this.child.kill('SIGTERM');
    return (await exited) ?? null;
  }

  async restart(options: { clockShiftMs?: number } = {}): Promise<void> {
    await this.stop();
    await this.start(options);
  }

  /** The replica's own readiness answer (what a load balancer's health check sees). */
  async ready(): Promise<{ status: number; body: { status?: string; checks?: Record<string, unknown> } }> {
    try {
      const response = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(5_000) });
      return { status: response.status, body: (await response.json()) as { status?: string } };
    } catch {
      return { status: 0, body: {} };
    }
  }
}
