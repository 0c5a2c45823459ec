import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/**
 * The files of the GraphiQL page, served by the service itself: graphql-yoga's default page loads
 * them from a public CDN, which a network without internet never reaches. They come from
 * `@graphql-yoga/render-graphiql`, the same build of GraphiQL the CDN serves, bundled as strings.
 */
export const graphiqlFiles = {
  style: 'graphiql.css',
  script: 'graphiql.js',
  start: 'start-graphiql.js',
  icon: 'favicon.ico',
  /** Monaco's web workers, by the label Monaco asks for. */
  workers: {
    editorWorkerService: 'editor.worker.js',
    json: 'json.worker.js',
    graphql: 'graphql.worker.js',
  },
} as const;

/** Every file name above: a request for anything else does not load the files. */
export const graphiqlFileNames: ReadonlySet<string> = new Set([
  graphiqlFiles.style,
  graphiqlFiles.script,
  graphiqlFiles.start,
  graphiqlFiles.icon,
  ...Object.values(graphiqlFiles.workers),
]);

export interface GraphiQLAsset {
  contentType: string;
  body: Buffer<ArrayBuffer>;
  /** The same body gzipped, for browsers that accept it (the script alone is 5 MB, 1.5 MB gzipped). */
  gzipped: Buffer<ArrayBuffer>;
  /**
   * The body's hash, so a browser revalidates in one round trip; weak (`W/`), as one validator
   * stands for both the plain and the gzipped bytes.
   */
  etag: string;
}

/** The files by name. */
export type GraphiQLAssets = ReadonlyMap<string, GraphiQLAsset>;

const javascript = 'text/javascript; charset=utf-8';
const gzipAsync = promisify(gzip);

/**
 * Reads and compresses the files (about 9 MB; a second on first use, the compression off the event
 * loop): done once, when a browser first asks for one, so a service on which nobody opens GraphiQL
 * never holds them.
 */
export async function loadGraphiQLAssets(): Promise<GraphiQLAssets> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const start = await readFile(new URL('./browser/start-graphiql.js', import.meta.url));
  const sources: [string, string, Buffer | string][] = [
    [graphiqlFiles.style, 'text/css; charset=utf-8', bundle.css],
    [graphiqlFiles.script, javascript, bundle.js],
    [graphiqlFiles.start, javascript, start],
    [graphiqlFiles.icon, 'image/x-icon', dataUrlBytes(bundle.favicon)],
    [graphiqlFiles.workers.editorWorkerService, javascript, bundle.editorWorkerService],
    [graphiqlFiles.workers.json, javascript, bundle.jsonWorker],
    [graphiqlFiles.workers.graphql, javascript, bundle.graphqlWorker],
  ];
  const assets = await Promise.all(
    sources.map(async ([name, contentType, content]): Promise<[string, GraphiQLAsset]> => {
      const body = Buffer.from(content);
      const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      return [name, { contentType, body, gzipped: await gzipAsync(body), etag }];
    }),
  );
  return new Map(assets);
}

/** The bytes of a base64 `data:` URL (the package ships its icon as one). */
function dataUrlBytes(dataUrl: string): Buffer {
  const comma = dataUrl.indexOf(',');
  if (!dataUrl.startsWith('data:') || !dataUrl.slice(0, comma).endsWith(';base64')) {
    throw new Error('the GraphiQL icon is not a base64 data URL');
  }
  return Buffer.from(dataUrl.slice(comma + 1), 'base64');
}
