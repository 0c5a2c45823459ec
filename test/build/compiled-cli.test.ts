import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../support/graphql-client.ts';
import { type CliRun, runCli, runToCompletion, startCli } from '../support/spawn-cli.ts';

/**
 * `npm run build` and the command that runs its output, on a copy of the project (so the checkout's
 * own dist/ and template cache, which other tests use, are left alone): the compiled JavaScript runs
 * while it matches the sources, and never once they changed.
 */
let project: string;
let cli: string;
let build: CliRun;
const description = 'The authorization layer between AI agents and company data.';

/** Runs `node <script> <args>` in the copy. */
function runNode(args: string[]): Promise<CliRun> {
  return runToCompletion(process.execPath, args, { cwd: project });
}

/** The command on a pseudo-terminal (util-linux `script`): what a person sees on stderr. */
function runOnTerminal(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, cli, ...args].map((part) => `'${part}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr: '' }));
  });
}

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'aperture-build-'));
  cli = path.join(project, 'bin', 'aperture.mjs');
  const copied = ['src', 'generated', 'bin', 'scripts', 'prisma', 'seeds', 'console'];
  const files = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
  for (const name of [...copied, ...files])
    await cp(path.resolve(name), path.join(project, name), { recursive: true });
  // The installed packages, one link each: the copy keeps its own node_modules/.cache (templates).
  await mkdir(path.join(project, 'node_modules'));
  for (const entry of await readdir(path.resolve('node_modules'))) {
    if (entry === '.cache') continue;
    await symlink(path.resolve('node_modules', entry), path.join(project, 'node_modules', entry));
  }
  build = await runNode(['scripts/build/build.mjs']);
}, 300_000);
afterAll(() => rm(project, { recursive: true, force: true }));

describe('npm run build', () => {
  it('compiles to dist/ and prepares the embedded database template with the compiled code', () => {
    expect(build.stderr).toBe('');
    expect(build.exitCode).toBe(0);
    expect(build.stdout).toMatch(/compiled to dist\/ in [\d.]+ s/);
    // The console's page and files, built with the rest.
    expect(existsSync(path.join(project, 'dist', 'console', 'index.html'))).toBe(true);
    expect(build.stdout).toMatch(/embedded database template prepared \(node_modules\/\.cache\/aperture\//);
  });

  it('the command runs the compiled JavaScript while it matches the sources', async () => {
    // Marked so that the output tells which code ran.
    const compiledMain = path.join(project, 'dist', 'src', 'cli', 'main.js');
    await writeFile(
      compiledMain,
      (await readFile(compiledMain, 'utf8')).replace(description, `${description} (compiled)`),
    );
    const help = await runCli(['--help'], {}, cli);
    expect(help.exitCode).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain(`${description} (compiled)`);

    const dataDir = path.join(project, 'data-token');
    const token = await runCli(
      ['dev-token', '--user', 'rachel.stone@acme.example'],
      { APERTURE_DATA_DIR: dataDir, NODE_ENV: 'development', DATABASE_URL: '' },
      cli,
    );
    expect(token.stderr).toBe('');
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('`npx aperture` runs the built command the first time too, without building again', async () => {
    // The first `npx aperture` of a checkout links it into npm's npx cache, and npm runs `prepare`
    // for that link: the build must not run again (it would cost the command half a minute and
    // replace dist/, and the compiled code marked above with it).
    const npx = await runToCompletion('npx', ['aperture', '--help'], {
      cwd: project,
      env: { ...process.env, npm_config_cache: path.join(project, '.npm-cache') },
    });
    expect(npx.stderr).toBe('');
    expect(npx.exitCode).toBe(0);
    expect(npx.stdout).toContain(`${description} (compiled)`);
  });

  it('the compiled service starts on a new data folder from the template, with the demo company', async () => {
    const env = {
      APERTURE_DATA_DIR: path.join(project, 'data-service'),
      PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      DATABASE_URL: '',
    };
    const server = await startCli(env, 150_000, cli);
    try {
      const token = await runCli(['dev-token', '--user', 'oliver.grant@acme.example'], env, cli);
      const counts = await graphql<{ datasets: { totalCount: number } }>(
        server.graphqlUrl,
        '{ datasets { totalCount } }',
        {},
        token.stdout.trim(),
      );
      expect(counts.data!.datasets.totalCount).toBeGreaterThanOrEqual(60);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toMatch(/copied the prepared embedded database template/);
    expect(server.output()).toMatch(/loaded the demo company/);
  });

  it('once a source file changes, the command runs the sources, and says so on a terminal', async () => {
    await appendFile(path.join(project, 'src', 'version.ts'), '\n// edited after the build\n');
    const help = await runCli(['--help'], {}, cli);
    expect(help.exitCode).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain(description);
    expect(help.stdout).not.toContain('(compiled)');

    const onTerminal = await runOnTerminal(['--help']);
    expect(onTerminal.exitCode).toBe(0);
    expect(onTerminal.stdout).toContain(
      'aperture: running the TypeScript sources (they changed since the last build): `npm run build` makes commands start faster',
    );
  });
});
