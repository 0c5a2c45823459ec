// `npm run build` (and `npm install`, through `prepare`): compiles src/ and the generated Prisma
// client to JavaScript in dist/, so `npm start` and `npx aperture` run without a TypeScript loader,
// then prepares the embedded database template, so the first start on a new data folder copies a
// migrated database with the demo company instead of creating one.
//
// The output is compiled next to dist/ and swapped in whole: a command starting meanwhile sees the
// old dist/ (whose stamp no longer matches: it runs the sources) or the new one, never half of one.
// Types are not checked here (`npm run typecheck` does); tsc only strips them, like tsx.
//
//   node scripts/build/build.mjs [--no-template]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildConsole } from './build-console.mjs';
import { buildStampFile, distFolder, sourceFingerprint } from './source-fingerprint.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const withTemplate = !process.argv.includes('--no-template');
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);

// `npx aperture` in the checkout links the checkout into npm's npx cache the first time, and npm
// runs `prepare` for that link. The checkout was built when it was installed (and the command runs
// the sources once they changed): building again would only cost the first command half a minute
// and swap dist/ under any service running from it.
if (process.env.npm_lifecycle_event === 'prepare' && process.env.npm_command === 'exec') {
  process.exit(0);
}

// An install before the sources are there (a container image copies package.json first).
if (!existsSync(path.join(root, 'src'))) {
  console.log('aperture build: no src/ folder yet, nothing to compile');
  process.exit(0);
}

// Taken before compiling: a file edited during the build leaves the stamp stale, never the reverse.
const fingerprint = sourceFingerprint(root);
const dist = path.join(root, distFolder);
const staging = path.join(root, `.${distFolder}-build-${process.pid}`);
const retired = path.join(root, `.${distFolder}-old-${process.pid}`);
rmSync(staging, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', staging], {
  cwd: root,
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  rmSync(staging, { recursive: true, force: true });
  console.error('aperture build: tsc failed; dist/ is unchanged (aperture keeps running the sources)');
  process.exit(compiled.status ?? 1);
}

// Files the code reads beside itself (browser scripts, ...) are not TypeScript: tsc leaves them out.
const sources = path.join(root, 'src');
for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
  const file = path.join(entry.parentPath, entry.name);
  cpSync(file, path.join(staging, 'src', path.relative(sources, file)));
}

// The console's static files (console/, React + Vite), served at /console by the same process.
try {
  await buildConsole(path.join(staging, 'console'));
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`aperture build: the console did not build; dist/ is unchanged: ${error}`);
  process.exit(1);
}

writeFileSync(
  path.join(staging, buildStampFile),
  `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
if (existsSync(dist)) renameSync(dist, retired);
renameSync(staging, dist);
rmSync(retired, { recursive: true, force: true });
console.log(`aperture build: compiled to ${distFolder}/ in ${seconds()} s`);

if (withTemplate) {
  // The compiled code itself makes the template, with the key the service will look for.
  const templateModule = pathToFileURL(path.join(dist, 'src/app/embedded-template.js')).href;
  try {
    const { prepareEmbeddedTemplates } = await import(templateModule);
    const prepared = await prepareEmbeddedTemplates();
    console.log(
      `aperture build: embedded database template ${prepared.built ? 'prepared' : 'already prepared'} (${path.relative(root, prepared.folder)}) after ${seconds()} s`,
    );
  } catch (error) {
    // Not fatal: the first start on a new data folder makes the template itself (and fails loudly
    // there if it cannot).
    console.warn(`aperture build: the embedded database template could not be prepared: ${error}`);
  }
}
