// Builds the console (console/, a React single-page app) with Vite into `outDir`: static files that
// aperture serves at /console from its own origin. Called by build.mjs into its staging dist/, and
// by the browser tests when the console's sources changed since the last build.
//
//   node scripts/build/build-console.mjs [outDir]   (default: dist/console)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const consoleRoot = path.join(root, 'console');

/** Written beside the built files: which sources they were built from. */
export const consoleStampFile = 'console-stamp.json';

/** sha256 over the console's sources, the SDL its documents are typed by, and the lock file. */
export function consoleFingerprint() {
  const hash = createHash('sha256');
  const files = readdirSync(consoleRoot, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`))
    .sort();
  for (const file of [...files, path.join(root, 'package-lock.json')]) {
    hash.update(`${path.relative(root, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether `outDir` holds a build of the current sources. */
export function consoleBuildIsCurrent(outDir) {
  try {
    const stamp = JSON.parse(readFileSync(path.join(outDir, consoleStampFile), 'utf8'));
    return stamp.fingerprint === consoleFingerprint() && existsSync(path.join(outDir, 'index.html'));
  } catch {
    return false;
  }
}

export async function buildConsole(outDir) {
  const fingerprint = consoleFingerprint();
  const { build } = await import('vite');
  // Always the production build, whatever NODE_ENV the caller runs with (vitest sets `test`, and
  // children inherit it): Vite and its React plugin read NODE_ENV, and any other value gives
  // React's development build, under other file names than the same sources built for production.
  const callersNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(consoleRoot, 'vite.config.ts'),
      mode: 'production',
      build: { outDir },
      logLevel: 'warn',
    });
  } finally {
    if (callersNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = callersNodeEnv;
  }
  writeFileSync(
    path.join(outDir, consoleStampFile),
    `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'console'));
  const started = performance.now();
  await buildConsole(outDir);
  console.log(
    `aperture build: console built to ${path.relative(root, outDir)}/ in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
