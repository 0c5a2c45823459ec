import type http from 'node:http';
import type { Route } from '../../server/create-http-server.ts';
import { refuseRequest } from '../../server/http-refusal.ts';
import { projectPath } from '../../shared/project-paths.ts';
import { type ConsoleFile, ConsoleFiles } from './console-files.ts';

export const consolePath = '/console';

/**
 * The console's page and files, from our own origin (no CDN is reachable where data is governed).
 * `/console/assets/*` are Vite's content-hashed files, cached for good; every other GET under
 * `/console` is the single page (it routes in the browser), never cached. Its data comes only
 * from `/graphql`, with the session of `/console/api` (registered before this route).
 */
export function consoleRoute(folder: string = projectPath('dist', 'console')): Route {
  const files = new ConsoleFiles(folder);
  return {
    prefix: consolePath,
    async handle(request, response) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('allow', 'GET, HEAD');
        refuseRequest(response, {
          status: 405,
          code: 'INVALID_INPUT',
          message: 'the console is read with GET',
        });
        return;
      }
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (path === consolePath) {
        // The page's relative asset URLs resolve against /console/.
        response.writeHead(301, { location: `${consolePath}/` });
        response.end();
        return;
      }
      const asset = /^\/console\/assets\/([^/]+)$/.exec(path);
      const file = asset ? await files.asset(asset[1]!) : await files.index();
      if (!file) {
        if (asset) {
          refuseRequest(response, { status: 404, code: 'NOT_FOUND', message: 'no such file' });
          return;
        }
        refuseRequest(response, {
          status: 503,
          code: 'UNAVAILABLE',
          message: 'the console is not built: run `npm run build` (npm install does it)',
        });
        return;
      }
      send(request, response, file, asset ? 'public, max-age=31536000, immutable' : 'no-store');
    },
  };
}

function send(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  file: ConsoleFile,
  cacheControl: string,
): void {
  const gzip = file.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzipped! : file.body;
  response.writeHead(200, {
    'content-type': file.contentType,
    'content-length': body.length,
    'cache-control': cacheControl,
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
