// Runs in the browser, after GraphiQL's script (see ../graphiql-page.ts). A file rather than an
// inline script, so that the page's Content-Security-Policy refuses every inline script.
const { options, workers } = JSON.parse(document.getElementById('graphiql-options').textContent);

// Monaco starts its workers from our origin (graphql-yoga's page fetches them from a CDN).
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => workers[label],
};

YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
