// Which sources a compiled dist/ was built from. `npm run build` writes the fingerprint of the
// sources into dist/build-stamp.json; bin/aperture.mjs runs dist/ only while the sources still
// have that fingerprint, so an edit is never hidden behind stale JavaScript. Plain JavaScript: the
// command reads it before any TypeScript loader exists. Content, not modification times: a
// checkout that restores the same files keeps the build, and a copy that keeps old times cannot
// pass for it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Everything tsc reads to build dist/ (tsconfig.build.json), node_modules aside. */
export const compiledInputs = ['src', 'generated', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The compiled output, inside the project folder. */
export const distFolder = 'dist';

export const buildStampFile = 'build-stamp.json';

/** The files of one input (a file or a folder), relative to `root`, in a stable order. */
function inputFiles(root, input) {
  const full = path.join(root, input);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [input];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** sha256 over the names and contents of the compiled inputs (about 300 files: some 30 ms). */
export function sourceFingerprint(root) {
  const hash = createHash('sha256');
  for (const input of compiledInputs) {
    for (const file of inputFiles(root, input)) {
      hash.update(`${file}\0`);
      hash.update(readFileSync(path.join(root, file)));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/** The stamp of the build in `root`/dist, or null when there is none (never built, or a build failed). */
export function readBuildStamp(root) {
  try {
    const stamp = JSON.parse(readFileSync(path.join(root, distFolder, buildStampFile), 'utf8'));
    return typeof stamp.fingerprint === 'string' ? stamp : null;
  } catch {
    return null;
  }
}
