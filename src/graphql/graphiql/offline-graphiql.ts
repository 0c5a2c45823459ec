import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { offlineGraphiQLPage } from './graphiql-page.ts';
import { useGraphiQLAssets } from './use-graphiql-assets.ts';

const tokenHint = 'Bearer <token from npx aperture dev-token>';
const headersHint = JSON.stringify({ Authorization: tokenHint }, null, 2);

/**
 * What a person sees first: where the token goes (the headers panel is open with the hint in it)
 * and a first query (`health` answers without a token, `viewer` says whose token it is). Headers
 * are not persisted: a token stays out of the browser's storage.
 */
const apertureGraphiQLOptions: GraphiQLOptions = {
  title: 'aperture GraphiQL',
  headers: headersHint,
  defaultHeaders: headersHint,
  shouldPersistHeaders: false,
  defaultEditorToolsVisibility: 'headers',
  defaultQuery: `# Every field but \`health\` needs a bearer token.
# Get one in a terminal:
#   npx aperture dev-token --user <your email>
# paste it in the Headers panel below, then
# Shift-Ctrl-R loads the schema (docs, completion).
{
  health { status }
  viewer { kind human { email name } }
}
`,
};

export interface OfflineGraphiQL {
  /** graphql-yoga's `graphiql` option. */
  options: GraphiQLOptions;
  /** graphql-yoga's `renderGraphiQL` option: the page. */
  render: (options: GraphiQLOptions) => string;
  /** Serves the page's files. */
  plugin: Plugin;
}

/** GraphiQL on `graphqlPath` with every file it needs served from `<graphqlPath>/assets/`. */
export function offlineGraphiQL(graphqlPath: string): OfflineGraphiQL {
  const assetsPath = `${graphqlPath}/assets`;
  return {
    options: apertureGraphiQLOptions,
    render: offlineGraphiQLPage(assetsPath),
    plugin: useGraphiQLAssets(assetsPath),
  };
}
