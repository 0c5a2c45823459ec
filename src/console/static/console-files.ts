import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built console, kept in memory with its compressed form (it never changes while served). */
export interface ConsoleFile {
  body: Buffer;
  gzipped: Buffer | null;
  contentType: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Vite's file names: letters, digits, dashes, underscores and dots; never a path. */
const safeName = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * Reads files of the built console on first use: `index.html` and `assets/<name>`. Any other name,
 * and anything that is not a known kind of file, is absent (no path is ever joined from the URL
 * but a checked name, so `..` and encoded slashes reach nothing).
 */
export class ConsoleFiles {
  private readonly cache = new Map<string, Promise<ConsoleFile | null>>();

  constructor(private readonly folder: string) {}

  index(): Promise<ConsoleFile | null> {
    return this.load('index.html');
  }

  asset(name: string): Promise<ConsoleFile | null> {
    if (!safeName.test(name) || !(path.extname(name) in contentTypes)) return Promise.resolve(null);
    return this.load(`assets/${name}`);
  }

  private load(relative: string): Promise<ConsoleFile | null> {
    let file = this.cache.get(relative);
    if (!file) {
      file = readConsoleFile(path.join(this.folder, relative));
      this.cache.set(relative, file);
      // A missing file is looked for again next time (the console may be built meanwhile).
      void file.then((found) => {
        if (!found) this.cache.delete(relative);
      });
    }
    return file;
  }
}

async function readConsoleFile(file: string): Promise<ConsoleFile | null> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return null;
  }
  const contentType = contentTypes[path.extname(file)] ?? 'application/octet-stream';
  const compressible = !contentType.startsWith('image/png') && !contentType.startsWith('font/');
  return { body, gzipped: compressible && body.length > 1024 ? gzipSync(body) : null, contentType };
}
