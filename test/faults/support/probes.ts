import type { Replica } from './replica.ts';

/** The delegation token's id (its `jti`), which revokeDelegationToken takes. */
export function tokenIdOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti?: string };
  if (!payload.jti) throw new Error('the token has no jti');
  return payload.jti;
}

/** Whether `replica` refuses `token` now (401, or UNAUTHENTICATED). */
export async function refuses(replica: Replica, token: string): Promise<boolean> {
  const answer = await ask<{ __typename: string }>(replica, token, '{ __typename }');
  return answer.status === 401 || answer.code === 'UNAUTHENTICATED';
}

/** How many datasets `token` sees through `replica` now. */
export async function datasetCount(replica: Replica, token: string): Promise<number | undefined> {
  const answer = await ask<{ datasets: { totalCount: number } }>(
    replica,
    token,
    '{ datasets { totalCount } }',
  );
  return answer.data?.datasets.totalCount;
}

/**
 * Asks `probe` back to back until it holds, and returns how many ms after `since` it first held
 * (the moment of the answer that showed it), or fails after `timeoutMs`.
 */
export async function msUntil(
  probe: () => Promise<boolean>,
  since: number,
  timeoutMs: number,
): Promise<number> {
  for (;;) {
    if (await probe()) return Date.now() - since;
    if (Date.now() - since > timeoutMs) throw new Error(`still not so after ${timeoutMs} ms`);
  }
}

async function ask<T>(
  replica: Replica,
  token: string,
  query: string,
): Promise<{ status: number; data?: T; code?: string }> {
  const response = await fetch(`${replica.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as {
    data?: T;
    errors?: { extensions?: { code?: string } }[];
  };
  const code = body.errors?.[0]?.extensions?.code;
  return { status: response.status, ...(body.data ? { data: body.data } : {}), ...(code ? { code } : {}) };
}
