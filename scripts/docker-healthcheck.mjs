// The container health check: liveness, `GET /health`, which answers while the process serves HTTP.
// Not `/ready`: orchestrators act on an unhealthy container as on a dead one (Swarm replaces it,
// autoheal restarts it), and a database blip would then restart every replica at once, which
// brings nothing back. A load balancer asks `/ready` to stop routing to a replica that cannot serve.
// `/health` answers once the service started (migrated, modules built), so `depends_on:
// condition: service_healthy` still waits for a started service. Plain JavaScript on Node's fetch:
// the image has no curl.
const port = process.env.PORT ?? '4000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(4_000),
  });
  const body = await response.json();
  if (response.status !== 200 || body?.status !== 'ok') {
    console.error(`unhealthy: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
