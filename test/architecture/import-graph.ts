import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import between two files of the source tree, both relative to its root. */
export interface ImportEdge {
  from: string;
  to: string;
}

/**
 * Every import of one file by another under `root`: static imports, `export ... from`, and
 * `import()` (the CLI loads most of the service that way), read by TypeScript's own pre-parser.
 * Packages and files outside `root` are not edges.
 */
export function importEdges(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles
      .filter(({ fileName }) => fileName.startsWith('.'))
      .map(({ fileName }) => path.relative(root, path.resolve(path.dirname(file), fileName)))
      .filter((to) => !to.startsWith('..'))
      .map((to) => ({ from: path.relative(root, file), to }));
  });
}

/** The room a file belongs to: its top folder under the root, or its own name for a top-level file. */
export function roomOf(file: string): string {
  const [first = file] = file.split(path.sep);
  return first.replace(/\.ts$/, '');
}

/**
 * The imports that go against the layers: a room may import rooms of lower layers only (not
 * those of its own layer, not those above), and every room must be in a layer.
 * Each is said as `from -> to (why)`, so the message says what to fix.
 */
export function upwardImports(edges: ImportEdge[], layers: readonly (readonly string[])[]): string[] {
  const layerOf = new Map(layers.flatMap((rooms, index) => rooms.map((room) => [room, index] as const)));
  return edges.flatMap(({ from, to }) => {
    const [fromRoom, toRoom] = [roomOf(from), roomOf(to)];
    if (fromRoom === toRoom) return [];
    const [fromLayer, toLayer] = [layerOf.get(fromRoom), layerOf.get(toRoom)];
    const edge = `${from} -> ${to}`;
    if (fromLayer === undefined) return [`${edge} (${fromRoom} is in no layer)`];
    if (toLayer === undefined) return [`${edge} (${toRoom} is in no layer)`];
    if (toLayer === fromLayer) return [`${edge} (${fromRoom} and ${toRoom} are peers)`];
    if (toLayer > fromLayer) return [`${edge} (${toRoom} is above ${fromRoom})`];
    return [];
  });
}

/** The rooms of a source tree: its folders and top-level files. */
export function roomsIn(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.name.endsWith('.ts'))
    .map((entry) => roomOf(entry.name))
    .sort();
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
