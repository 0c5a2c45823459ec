import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const serveCompany = fileURLToPath(new URL('./serve-company.ts', import.meta.url));

export interface CompanyServer {
  graphqlUrl: string;
  origin: string;
  /** The service process's resident memory, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the service in its own process with this environment; resolves once it listens. */
export async function startCompanyServer(env: Record<string, string>): Promise<CompanyServer> {
  // BENCH_CPU_PROF=<folder>: the service process writes a CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', serveCompany], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`the service process exited with ${code}`)));
    });
  const { graphqlUrl } = JSON.parse(await nextLine()) as { graphqlUrl: string };
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    graphqlUrl,
    origin: new URL(graphqlUrl).origin,
    async rss() {
      const answer = nextLine();
      child.stdin.write('rss\n');
      return (JSON.parse(await answer) as { rss: number }).rss;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
