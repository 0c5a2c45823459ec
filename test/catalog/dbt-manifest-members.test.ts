import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArtifactJson } from '../../src/catalog/import/dbt/artifact-json.ts';
import { forEachJsonMember } from '../../src/catalog/import/dbt/json-members.ts';
import { parseManifest } from '../../src/catalog/import/dbt/read-manifest.ts';
import { thrownBy } from './support/jaffle-fixture.ts';

/** What forEachJsonMember hands over, put back together. */
function rebuild(text: string, split: string[]): unknown {
  const result: Record<string, unknown> = {};
  forEachJsonMember(
    Buffer.from(text),
    new Set(split),
    (key, value) => {
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    },
    (key, entryKey, value) => {
      Object.defineProperty(result[key] as object, entryKey, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    },
  );
  return result;
}

const manifestText = (nodes: Record<string, unknown>) =>
  JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', project_name: 'p' },
    nodes,
    sources: {},
    semantic_models: {},
    metrics: {},
    docs: {},
    groups: {},
  });

const model = (name: string, description: string) => ({
  unique_id: `model.p.${name}`,
  resource_type: 'model',
  name,
  schema: 'marts',
  description,
  columns: { id: { name: 'id', description: 'the "id", with \\ and \u00e9' } },
});

describe('a manifest is read one member at a time', () => {
  it('gives what JSON.parse gives, whatever the keys, values and spacing', () => {
    const key = fc.string({ unit: 'binary', maxLength: 8 });
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })),
        fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })),
        fc.constantFrom(undefined, 0, 2, '\t', ' \r\n'),
        (other, nodes, indent) => {
          const text = JSON.stringify({ ...other, nodes }, null, indent);
          expect(rebuild(text, ['nodes'])).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the last of a node listed twice, where JSON.parse does', () => {
    const text = manifestText({ 'model.p.a': model('a', 'first'), 'model.p.b': model('b', 'b') }).replace(
      '"model.p.b":',
      `"model.p.a":${JSON.stringify(model('a', 'second'))},"model.p.b":`,
    );
    const split = parseManifest('manifest.json', text);
    expect(split.datasetNodes.map((node) => [node.name, node.description])).toEqual([
      ['a', 'second'],
      ['b', 'b'],
    ]);
    expect(Object.keys(split.manifest.nodes)).toEqual(['model.p.a', 'model.p.b']);
  });

  it.each<[string, (text: string) => string]>([
    ['cut inside a node', (text) => text.slice(0, text.indexOf('"model.p.b"') + 40)],
    ['a missing comma between nodes', (text) => text.replace('},"model.p.b"', '} "model.p.b"')],
    ['a bad value inside a node', (text) => text.replace('"schema":"marts"', '"schema":marts')],
    ['text after the manifest', (text) => `${text} {}`],
    ['a byte order mark', (text) => `\ufeff${text}`],
  ])('a broken file (%s) is refused with the line and column JSON.parse names', (_name, corrupt) => {
    const text = corrupt(manifestText({ 'model.p.a': model('a', 'a'), 'model.p.b': model('b', 'b') }));
    const expected = thrownBy(() => parseArtifactJson('manifest.json', text)).message;
    expect(expected).toMatch(/is not valid JSON/);
    expect(thrownBy(() => parseManifest('manifest.json', text)).message).toBe(expected);
  });
});
