#!/usr/bin/env node
// The `aperture` command. It runs the compiled JavaScript in dist/ (`npm run build`, which
// `npm install` runs) when dist/ was built from the sources as they are now. Otherwise (the sources
// changed since, or nothing was built) it runs the TypeScript sources through tsx: slower to start,
// never stale. Checking costs one read of the sources (some 30 ms), far less than tsx itself.
import { fileURLToPath } from 'node:url';
import { readBuildStamp, sourceFingerprint } from '../scripts/build/source-fingerprint.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = readBuildStamp(root);
if (stamp && stamp.fingerprint === sourceFingerprint(root)) {
  await import('../dist/src/cli/main.js');
} else {
  // On a terminal only: scripts and tests read stderr, and the code that runs is current either way.
  if (process.stderr.isTTY) {
    console.error(
      `aperture: running the TypeScript sources (${stamp ? 'they changed since the last build' : 'dist/ is not built'}): \`npm run build\` makes commands start faster`,
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
