import { expect } from 'vitest';
import { AuthzenPep, type Entity } from '../../support/authzen-pep.ts';
import type { RequestWorld } from '../../support/requests-fixture.ts';

/** A PEP client registered by governance over GraphQL: its credentials as a gateway would hold them. */
export async function registerPep(world: RequestWorld, name: string) {
  const registered = await world.governance.run(
    'mutation ($input: RegisterPepClientInput!) { registerPepClient(input: $input) { clientSecret pepClient { clientId } } }',
    { input: { name, description: `${name} (tests)` } },
  );
  expect(registered.errors).toBeUndefined();
  const data = registered.data as {
    registerPepClient: { clientSecret: string; pepClient: { clientId: string } };
  };
  const clientId = data.registerPepClient.pepClient.clientId;
  const clientSecret = data.registerPepClient.clientSecret;
  return {
    clientId,
    clientSecret,
    authorization: basic(clientId, clientSecret),
    pep: await AuthzenPep.discover(world.service.url, clientId, clientSecret),
  };
}

export function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}

/** The subject of an AuthZEN request: the person, proven by the token the PEP forwards. */
export const user = (email: string, token: string): Entity => ({
  type: 'user',
  id: email,
  properties: { token },
});

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One HTTP call to the PDP as it is, for the answers a well-behaved PEP never provokes. */
export async function send(
  url: string,
  init: {
    method?: string;
    authorization?: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  },
): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.authorization ? { authorization: init.authorization } : {}),
      ...init.headers,
    },
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body !== undefined
        ? { body: JSON.stringify(init.body) }
        : {}),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}
