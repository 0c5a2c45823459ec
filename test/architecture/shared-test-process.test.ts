import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/shared/project-paths.ts';

/**
 * The suite's files share their worker's process and its loaded modules (`isolate: false` in
 * vitest.config.ts): a file that replaced a module or edited the process's environment would change
 * the files after it. What would, written in a test, is refused here; a test that needs another
 * environment gives it to the service or the child process it starts.
 */
const sharedStateEdits: { what: string; pattern: RegExp }[] = [
  { what: 'replaces a module', pattern: /\bvi\.(?:mock|doMock|hoisted)\s*\(/ },
  { what: 'stubs the environment or a global', pattern: /\bvi\.(?:stubEnv|stubGlobal)\s*\(/ },
  {
    what: "edits the process's environment",
    pattern:
      /\bprocess\.env(?:\.\w+|\[[^\]]+\])\s*(?:=(?!=)|\?\?=|\|\|=)|\bdelete\s+process\.env\b|Object\.assign\(\s*process\.env\b/,
  },
];

async function testSources(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('tests that share a process', () => {
  it('never replace a module, stub a global or edit the environment of the process', async () => {
    const self = path.resolve(import.meta.filename);
    const found: string[] = [];
    for (const file of await testSources(projectPath('test'))) {
      if (file === self) continue;
      const source = await readFile(file, 'utf8');
      for (const { what, pattern } of sharedStateEdits) {
        if (pattern.test(source)) found.push(`${path.relative(projectPath(), file)} ${what}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('recognises each such edit', () => {
    const samples = [
      "vi.mock('../src/x.ts')",
      "vi.stubEnv('TZ', 'UTC')",
      "process.env.PORT = '0'",
      "process.env['PORT'] ??= '0'",
      'delete process.env.PORT',
      'Object.assign(process.env, overrides)',
    ];
    for (const sample of samples) {
      expect(
        sharedStateEdits.some(({ pattern }) => pattern.test(sample)),
        sample,
      ).toBe(true);
    }
    expect(sharedStateEdits.some(({ pattern }) => pattern.test('env: { ...process.env, PORT: "0" }'))).toBe(
      false,
    );
    expect(sharedStateEdits.some(({ pattern }) => pattern.test("process.env.PORT === '0'"))).toBe(false);
  });
});
