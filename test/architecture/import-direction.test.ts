import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../src/shared/project-paths.ts';
import { importEdges, roomsIn, upwardImports } from './import-graph.ts';

/**
 * The rooms of src/, lowest first: a room imports only rooms of lower layers, never a peer of its
 * own layer nor anything above. The one place this order is written down (the README draws it).
 */
const layers = [
  ['shared', 'version'],
  ['logging', 'metrics'],
  ['db'],
  ['audit', 'jobs'],
  ['catalog', 'versioned-sets'],
  ['identity'],
  ['policy'],
  ['requests'],
  ['people', 'mining', 'vending'],
  ['server'],
  ['graphql', 'mcp', 'oauth', 'slack', 'console', 'authzen'],
  ['seeds'],
  ['config'],
  ['app'],
  ['cli'],
] as const;

describe('import direction', () => {
  it('src/ imports only downward through the layers', () => {
    expect(upwardImports(importEdges(projectPath('src')), layers)).toEqual([]);
  });

  it('names every room of src/ in one layer, and no room that is gone', () => {
    const listed = layers.flat();
    expect([...listed].sort()).toEqual(roomsIn(projectPath('src')));
    expect(new Set(listed).size).toBe(listed.length);
  });

  describe('the check itself, on a small tree', () => {
    const folders: string[] = [];
    afterAll(async () => {
      for (const folder of folders) await rm(folder, { recursive: true, force: true });
    });

    async function tree(files: Record<string, string>): Promise<string> {
      const root = await mkdtemp(path.join(tmpdir(), 'aperture-imports-'));
      folders.push(root);
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await writeFile(path.join(root, file), text);
      }
      return root;
    }

    it('names each upward, peer and unplaced import, static, re-exported or dynamic', async () => {
      const root = await tree({
        'low/a.ts': "import { b } from '../high/b.ts';\nexport { c } from '../side/c.ts';\n",
        'low/inner.ts': "import { a } from './a.ts';\nimport { z } from 'zod';\n",
        'high/b.ts': "import { a } from '../low/a.ts';\nexport const b = () => import('../loose/d.ts');\n",
        'side/c.ts': "import type { b } from '../high/b.ts';\nimport json from '../../package.json';\n",
        'loose/d.ts': 'export const d = 1;\n',
      });
      const found = upwardImports(importEdges(root), [['low'], ['high', 'side']]);
      expect(found.sort()).toEqual([
        `${path.join('high', 'b.ts')} -> ${path.join('loose', 'd.ts')} (loose is in no layer)`,
        `${path.join('low', 'a.ts')} -> ${path.join('high', 'b.ts')} (high is above low)`,
        `${path.join('low', 'a.ts')} -> ${path.join('side', 'c.ts')} (side is above low)`,
        `${path.join('side', 'c.ts')} -> ${path.join('high', 'b.ts')} (side and high are peers)`,
      ]);
    });

    it('finds nothing when every import points down', async () => {
      const root = await tree({
        'low/a.ts': 'export const a = 1;\n',
        'high/b.ts': "import { a } from '../low/a.ts';\nexport const b = a;\n",
      });
      expect(upwardImports(importEdges(root), [['low'], ['high']])).toEqual([]);
    });
  });
});
