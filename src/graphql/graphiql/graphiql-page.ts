import type { GraphiQLOptions } from 'graphql-yoga';
import { graphiqlFiles } from './graphiql-assets.ts';

/**
 * graphql-yoga's GraphiQL page with every file served from `assetsPath` on our own origin, and no
 * inline script: the options travel as a JSON data block that the start script reads, so the
 * page runs under a Content-Security-Policy that allows scripts from 'self' only.
 */
export function offlineGraphiQLPage(assetsPath: string): (options: GraphiQLOptions) => string {
  const file = (name: string) => `${assetsPath}/${name}`;
  const workers = Object.fromEntries(
    Object.entries(graphiqlFiles.workers).map(([label, name]) => [label, file(name)]),
  );
  return (options) => {
    const title = escapeHtml(options.title ?? 'GraphiQL');
    const data = jsonForHtml({ options, workers });
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${title}</title>
    <link rel="icon" href="${file(graphiqlFiles.icon)}">
    <link rel="stylesheet" href="${file(graphiqlFiles.style)}">
    <script id="graphiql-options" type="application/json">${data}</script>
    <script defer src="${file(graphiqlFiles.script)}"></script>
    <script defer src="${file(graphiqlFiles.start)}"></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root">Loading ${title}…</div>
  </body>
</html>
`;
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON that cannot end its `<script>` element early (`</script>`, `<!--`): `<`, `>`, `&` escaped. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
