import type { Plugin } from 'graphql-yoga';
import { type GraphiQLAssets, graphiqlFileNames, loadGraphiQLAssets } from './graphiql-assets.ts';

/**
 * Serves GraphiQL's files under `assetsPath` (GET and HEAD; any other path or method goes on to
 * GraphQL). The files hold no data, but they are not cached blindly either: `no-cache` with an
 * ETag, so a browser keeps them and asks once per load whether they changed (after an upgrade).
 */
export function useGraphiQLAssets(assetsPath: string): Plugin {
  let loading: Promise<GraphiQLAssets> | undefined;
  const assets = () => {
    loading ??= loadGraphiQLAssets().catch((error: unknown) => {
      loading = undefined; // the next request tries again
      throw error;
    });
    return loading;
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(`${assetsPath}/`)) return;
      const name = url.pathname.slice(assetsPath.length + 1);
      if (!graphiqlFileNames.has(name) || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const asset = (await assets()).get(name);
      if (!asset) return;
      const headers: Record<string, string> = {
        'content-type': asset.contentType,
        'cache-control': 'no-cache',
        etag: asset.etag,
        vary: 'accept-encoding',
      };
      if (request.headers.get('if-none-match') === asset.etag) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const gzipped = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      const body = gzipped ? asset.gzipped : asset.body;
      if (gzipped) headers['content-encoding'] = 'gzip';
      headers['content-length'] = String(body.byteLength);
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status: 200, headers }));
    },
  };
}
