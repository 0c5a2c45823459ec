import { describe, expect, it } from 'vitest';
import { notifyChange } from '../../src/db/change-feed.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';

const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });

interface Stream {
  /** Every `data:` payload received so far, parsed. */
  events: { data?: { accessRequestUpdated?: { status: string } }; errors?: unknown[] }[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `accessRequestUpdated` over server-sent events, as an agent would. */
async function follow(token: string, id: string): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    signal: abort.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      query: 'subscription ($id: ID!) { accessRequestUpdated(id: $id) { status grant { status } } }',
      variables: { id },
    }),
  });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: Stream['events'] = [];
  const reader = response.body!.getReader();
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += new TextDecoder().decode(value);
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('');
        if (data) events.push(JSON.parse(data) as Stream['events'][number]);
      }
    }
  })();
  return { events, ended, close: () => abort.abort() };
}

function routedRequest(token: string) {
  return fileRoutedRequest(t.world, token, { justification: 'Quarterly revenue question', duration: 'PT1H' });
}

const approve = async (id: string) =>
  t.world.gql(
    await t.world.humanToken('approver03@acme.test'),
    'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
    { input: { requestId: id } },
  );

/** The error a stream ends with once its token no longer holds. */
const endedWith = (message: string) => ({
  errors: [expect.objectContaining({ message, extensions: { code: 'UNAUTHENTICATED' } })],
});

async function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);
}

describe('a subscription never outlives its token', () => {
  it('revoking the delegation token ends the stream at once; what follows is never streamed', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Revoked watcher' });
    const id = await routedRequest(token);
    const stream = await follow(token, id);
    await expect.poll(() => stream.events).toHaveLength(1);
    const { data } = await t.world.gql<{ viewer: { tokenId: string } }>(token, '{ viewer { tokenId } }');
    const revoked = await t.world.governance.run(
      'mutation ($id: String!) { revokeDelegationToken(tokenId: $id, reason: "stolen") }',
      { id: data!.viewer.tokenId },
    );
    expect(revoked.errors).toBeUndefined();
    await within(stream.ended);
    // The revocation withdrew the request it filed: no approval can follow, and its end was not streamed.
    expect((await approve(id)).errors?.[0]?.message).toMatch(/^the request is already cancelled/);
    expect(stream.events).toEqual([
      { data: { accessRequestUpdated: { status: 'PENDING', grant: null } } },
      endedWith('the delegation token was revoked'),
    ]);
  });

  it('suspending the agent ends the stream with the reason, and nothing about the request after it', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Suspended watcher' });
    const id = await routedRequest(token);
    const stream = await follow(token, id);
    await expect.poll(() => stream.events).toHaveLength(1);
    const suspended = await t.world.governance.agentMutation(
      'suspendAgent',
      t.world.agentClientId('Suspended watcher'),
    );
    expect(suspended.errors).toBeUndefined();
    await within(stream.ended);
    expect(stream.events).toEqual([
      { data: { accessRequestUpdated: { status: 'PENDING', grant: null } } },
      endedWith('the delegation no longer holds: agent Suspended watcher is suspended'),
    ]);
  });

  it('deactivating the human ends the stream of every agent acting for them', async () => {
    const token = await t.world.agentToken('mark@acme.test', { agent: 'Manager watcher' });
    const id = await routedRequest(token);
    const stream = await follow(token, id);
    await expect.poll(() => stream.events).toHaveLength(1);
    // What a people import does when a person leaves: inactive, and every replica told.
    await t.db.prisma.$transaction(async (tx) => {
      await tx.person.update({ where: { email: 'mark@acme.test' }, data: { active: false } });
      await notifyChange(tx, 'people');
    });
    try {
      await within(stream.ended);
      expect(stream.events).toEqual([
        { data: { accessRequestUpdated: { status: 'PENDING', grant: null } } },
        endedWith('the token names no active person'),
      ]);
    } finally {
      await t.db.prisma.$transaction(async (tx) => {
        await tx.person.update({ where: { email: 'mark@acme.test' }, data: { active: true } });
        await notifyChange(tx, 'people');
      });
    }
  });

  it('the stream ends with an error when its token expires, even while nothing happens', {
    timeout: 60_000,
  }, async () => {
    // The agent and its credentials first: on a busy machine that takes seconds of the token's life.
    await t.world.agentToken('ana@acme.test', { agent: 'Short-lived watcher' });
    const credentials = await credentialsOf('Short-lived watcher');
    const subject = await t.idp.subjectToken('ana@acme.test', { expiresInSeconds: 12 });
    const exchanged = await exchangeToken(t.world.service.url, credentials, {
      subject_token: subject,
      intent: 'analytics',
    });
    expect(exchanged.status).toBe(200);
    const token = exchanged.body.access_token!;
    expect(exchanged.body.expires_in).toBeLessThanOrEqual(12);
    const id = await routedRequest(token);
    const stream = await follow(token, id);
    await within(stream.ended, 30_000);
    expect(stream.events).toEqual([
      { data: { accessRequestUpdated: { status: 'PENDING', grant: null } } },
      endedWith('the delegation token has expired'),
    ]);
  });

  it('a revoked token cannot open a new stream (nor make any other call)', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Replaying watcher' });
    const id = await routedRequest(token);
    const { data } = await t.world.gql<{ viewer: { tokenId: string } }>(token, '{ viewer { tokenId } }');
    await t.world.governance.run('mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', {
      id: data!.viewer.tokenId,
    });
    const stream = await follow(token, id);
    await within(stream.ended);
    expect(stream.events).toEqual([
      { errors: [{ message: 'the delegation token was revoked', extensions: { code: 'UNAUTHENTICATED' } }] },
    ]);
  });
});

/** A fresh secret for a registered agent (rotation), to exchange a token by hand. */
async function credentialsOf(name: string) {
  const clientId = t.world.agentClientId(name);
  const rotated = await t.world.governance.run(
    'mutation ($clientId: String!) { rotateAgentSecret(clientId: $clientId) { clientSecret } }',
    { clientId },
  );
  return {
    clientId,
    clientSecret: (rotated.data as { rotateAgentSecret: { clientSecret: string } }).rotateAgentSecret
      .clientSecret,
  };
}
