import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

/**
 * GraphiQL as a person meets it, in a real headless Chromium: the page and every file it needs
 * come from the service itself (a network without internet reaches no CDN), under a
 * Content-Security-Policy that allows our own origin only; a development token goes in the
 * headers panel and a query's answer shows in the result pane.
 */

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** What the browser showed at the end of the run (the file tool or any image viewer shows it). */
const screenshotPath = path.join(tmpdir(), 'aperture-graphiql.png');

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;
let service: RunningService;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: this test drives a real browser. ` +
        "Install Debian's: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.",
    );
  }
  db = await createTestDatabase();
  await loadTestPeople(db);
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-graphiql-'));
  // Development mode with its token issuer, as `npm start` runs (the issuer's key in dataDir).
  env = { NODE_ENV: 'development', APERTURE_DEV_ISSUER: 'true', APERTURE_DATA_DIR: dataDir };
  service = await startTestService(db, { env });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await db?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A page whose every request is recorded; a request to another origin is recorded and aborted. */
async function openRecordedPage(): Promise<{
  context: BrowserContext;
  page: Page;
  requests: URL[];
  elsewhere: string[];
  problems: string[];
}> {
  const origin = new URL(service.url).origin;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Text goes into the editors by pasting: typed brackets and quotes would be closed by Monaco.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const requests: URL[] = [];
  const elsewhere: string[] = [];
  const problems: string[] = [];
  context.on('request', (request) => requests.push(new URL(request.url())));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { context, page, requests, elsewhere, problems };
}

/** GraphiQL's Monaco editors: the operation, the headers (beside the hidden variables), the result. */
const editors = {
  operation: 'section[aria-label="Operation Editor"] .monaco-editor .view-lines',
  headers: 'section[aria-label="Headers"] .monaco-editor[data-uri$="-request-headers.json"] .view-lines',
  result: 'section[aria-label="Result Window"] .monaco-editor .view-lines',
} as const;

/** The visible text of an editor (Monaco draws spaces as no-break spaces). */
async function editorText(page: Page, editor: string): Promise<string> {
  return (await page.locator(editor).innerText()).replace(/\u00a0/g, ' ');
}

/** Replaces the whole text of an editor as a person pasting it would. */
async function pasteIntoEditor(page: Page, editor: string, text: string): Promise<void> {
  await page.evaluate((clipboard) => navigator.clipboard.writeText(clipboard), text);
  await page.locator(editor).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
}

describe('GraphiQL at /graphql', () => {
  it('works offline: renders from our own files, takes a dev token, runs a query, shows the answer', async () => {
    const cli = await runCli(['dev-token', '--user', 'ana@acme.test'], { ...env, DATABASE_URL: db.url });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const token = cli.stdout.trim();

    const { context, page, requests, elsewhere, problems } = await openRecordedPage();
    try {
      const response = await page.goto(service.graphqlUrl);
      expect(response?.status()).toBe(200);
      const policy = response?.headers()['content-security-policy'] ?? '';
      expect(policy).toContain("script-src 'self'");
      for (const directive of policy.split(';')) {
        const [, ...sources] = directive.trim().split(/\s+/);
        // Our own origin, nothing, or inline data: never a host, a scheme that reaches one, or `*`.
        for (const source of sources) {
          expect(["'self'", "'none'", "'unsafe-inline'", 'data:'], directive).toContain(source);
        }
      }
      expect(await page.title()).toBe('aperture GraphiQL');

      // The editors render, with the token hint in the open headers panel.
      await page
        .locator(editors.operation)
        .waitFor({ timeout: 90_000 })
        .catch((error: unknown) => {
          throw new Error(
            `GraphiQL did not render. Requests to other origins: ${JSON.stringify(elsewhere)}; ` +
              `problems: ${JSON.stringify(problems)}`,
            { cause: error },
          );
        });
      await expect
        .poll(() => editorText(page, editors.headers), { timeout: 30_000 })
        .toContain('"Authorization": "Bearer <token from npx aperture dev-token>"');

      await pasteIntoEditor(page, editors.headers, JSON.stringify({ Authorization: `Bearer ${token}` }));
      await pasteIntoEditor(page, editors.operation, '{ health { status } viewer { kind human { email } } }');
      const answered = page.waitForResponse(
        (answer) =>
          answer.request().method() === 'POST' &&
          new URL(answer.url()).pathname === '/graphql' &&
          (answer.request().postData() ?? '').includes('viewer'),
        { timeout: 60_000 },
      );
      await page.getByRole('button', { name: /Execute query/ }).click();
      const answer = await answered;
      expect(answer.request().headers().authorization).toBe(`Bearer ${token}`);
      expect(await answer.json()).toEqual({
        data: { health: { status: 'ok' }, viewer: { kind: 'HUMAN', human: { email: 'ana@acme.test' } } },
      });
      await expect
        .poll(() => editorText(page, editors.result), { timeout: 30_000 })
        .toContain('"email": "ana@acme.test"');
      expect(await editorText(page, editors.result)).toContain('"kind": "HUMAN"');

      // Every file came from the service (the script, its styles and Monaco's workers) and nothing
      // was asked of any other host.
      const origin = new URL(service.url).origin;
      const paths = requests.filter((url) => url.protocol.startsWith('http')).map((url) => url.pathname);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/graphql',
          '/graphql/assets/graphiql.js',
          '/graphql/assets/graphiql.css',
          '/graphql/assets/start-graphiql.js',
          '/graphql/assets/graphql.worker.js',
        ]),
      );
      expect(elsewhere).toEqual([]);
      expect(
        requests.filter((url) => url.protocol.startsWith('http') && url.origin !== origin).map(String),
      ).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      // What the browser showed, also when an expectation failed: the first thing to look at.
      await page.screenshot({ path: screenshotPath }).catch(() => {});
      await context.close();
    }
  });

  it('serves its files compressed and revalidated, not re-sent', async () => {
    const url = `${service.url}/graphql/assets/graphiql.js`;
    const first = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(first.headers.get('content-encoding')).toBe('gzip');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect((await first.text()).length).toBeGreaterThan(1_000_000);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[\w-]+"$/);

    const again = await fetch(url, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // Only the page's files: any other name under the folder is not found.
    expect((await fetch(`${service.url}/graphql/assets/package.json`)).status).toBe(404);
    expect((await fetch(`${service.url}/graphql/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });
});
