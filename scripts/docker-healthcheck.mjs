// The container's health check: the service is healthy when `health` answers `ok`, which it does
// only while the database answers. Plain JavaScript on Node's fetch: the image has no curl.
const port = process.env.PORT ?? '4000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ health { status } }' }),
    signal: AbortSignal.timeout(4_000),
  });
  const body = await response.json();
  if (body?.data?.health?.status !== 'ok') {
    console.error(`unhealthy: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
