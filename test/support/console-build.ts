import path from 'node:path';
// @ts-expect-error plain JavaScript build script, without type declarations
import { buildConsole, consoleBuildIsCurrent } from '../../scripts/build/build-console.mjs';

/**
 * vitest's global set-up: the console's files in dist/console are built from the current sources
 * (an edit of console/ since `npm install` would otherwise test yesterday's page). About a second.
 */
export default async function ensureConsoleBuilt(): Promise<void> {
  const folder = path.resolve('dist', 'console');
  if (!consoleBuildIsCurrent(folder)) await buildConsole(folder);
}
