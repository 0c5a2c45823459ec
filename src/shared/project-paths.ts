import path from 'node:path';
import { fileURLToPath } from 'node:url';

const thisFile = fileURLToPath(import.meta.url);

/** Whether this process runs the compiled JavaScript in dist/ (`npm run build`) rather than the sources. */
export const runningCompiled = thisFile.endsWith('.js');

/**
 * The project folder, where package.json, prisma/ and seeds/ are: the same whether this file is
 * src/shared/project-paths.ts or dist/src/shared/project-paths.js, so data files are found from both.
 */
export const projectRoot = path.resolve(path.dirname(thisFile), runningCompiled ? '../../..' : '../..');

/** A path inside the project folder. */
export function projectPath(...segments: string[]): string {
  return path.join(projectRoot, ...segments);
}
