import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import {
  retireSigningKey,
  rotateSigningKey,
  signingKeyStatuses,
} from '../../src/identity/tokens/signing-key-rotation.ts';
import { GovernanceClient } from '../support/governance-client.ts';
import { graphql } from '../support/graphql-client.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

/**
 * `aperture keys rotate | retire` as an operator runs them, against two replicas of the running
 * service on one database: neither restarts, both hear the change on the change feed.
 */
let db: TestDatabase;
let replicas: RunningService[];
let idp: TestIdentityProvider;
let agent: { clientId: string; clientSecret: string };

const viewerQuery = '{ viewer { kind } }';
const cli = (...args: string[]) => runCli(['keys', ...args], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const status = async (replica: RunningService, token: string) =>
  (await graphql(replica.graphqlUrl, viewerQuery, {}, token)).status;

async function agentToken(replica: RunningService): Promise<string> {
  const result = await exchangeToken(replica.url, agent, {
    subject_token: await idp.subjectToken('ana@acme.test'),
    intent: 'analytics',
  });
  if (result.status !== 200) throw new Error(JSON.stringify(result.body));
  return result.body.access_token!;
}

/** The kid of the newest key in this state, read from the database. */
async function keyIn(state: 'signing' | 'retired'): Promise<string> {
  const key = await db.prisma.signingKey.findFirstOrThrow({
    where: { retiredAt: state === 'signing' ? null : { not: null } },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
  });
  return key.kid;
}

async function publishedKids(replica: RunningService): Promise<string[]> {
  const jwks = (await (await fetch(`${replica.url}/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };
  return jwks.keys.map((key) => key.kid).sort();
}

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  idp = await TestIdentityProvider.create();
  const providers = [await idp.serveJwks()];
  replicas = [await startTestService(db, { providers }), await startTestService(db, { providers })];
  const governance = new GovernanceClient(replicas[0]!.graphqlUrl, await idp.token('gina@acme.test'));
  await governance.createIntent({ name: 'analytics', description: 'Answers', allowedTiers: ['DISCOVER'] });
  agent = await governance.registerAgent({
    name: 'SQL assistant',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
  });
});
afterAll(async () => {
  for (const replica of replicas ?? []) await replica.stop();
  await idp?.close();
  await db?.dispose();
});

describe('aperture keys', () => {
  it('rotate: a new key signs on every replica, tokens of the old one keep verifying; retire refuses them at once', async () => {
    const [a, b] = replicas as [RunningService, RunningService];
    const oldToken = await agentToken(a);
    const oldKid = kidOf(oldToken)!;
    const before = await cli('list', '--json');
    expect(before.exitCode).toBe(0);
    expect(JSON.parse(before.stdout)).toEqual([
      {
        kid: oldKid,
        createdAt: expect.stringMatching(/^\d{4}-.*Z$/),
        state: 'signing',
        retiredAt: null,
        stoppedSigningAt: null,
        retirableAt: null,
      },
    ]);

    const rotated = await cli('rotate');
    expect(rotated.exitCode).toBe(0);
    const newKid = /^Key (\S+) signs from now on/.exec(rotated.stdout)?.[1];
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(oldKid);
    expect(rotated.stdout).toContain('They live at most 600 s (APERTURE_TOKEN_TTL_SECONDS)');
    expect(rotated.stdout).toMatch(new RegExp(`after \\S+Z: aperture keys retire ${oldKid}\\n`));

    // Every replica switches without a restart: new tokens carry the new kid, old ones still verify.
    for (const replica of [a, b]) {
      await vi.waitFor(async () => expect(kidOf(await agentToken(replica))).toBe(newKid), { timeout: 5_000 });
      expect(await status(replica, oldToken)).toBe(200);
      expect(await publishedKids(replica)).toEqual([oldKid, newKid].sort());
    }
    const newToken = await agentToken(b);
    expect(await status(a, newToken)).toBe(200);

    // Its tokens may be live for 11 minutes yet: retire refuses without --force, and nothing changes.
    const [listed, early] = await Promise.all([cli('list'), cli('retire', oldKid)]);
    expect(listed.stdout).toMatch(/^KID\s+CREATED\s+STATE\s+RETIRE\n/);
    expect(listed.stdout).toMatch(
      new RegExp(`^${newKid}  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  signing$`, 'm'),
    );
    expect(listed.stdout).toMatch(new RegExp(`^${oldKid}  \\S+Z  verifying  after \\S+Z$`, 'm'));
    expect(early.exitCode).toBe(1);
    expect(early.stderr.trim()).toMatch(
      new RegExp(
        `^error: key ${oldKid} signed tokens until \\S+Z; they may be live until \\S+Z \\(600 s set by APERTURE_TOKEN_TTL_SECONDS, plus 60 s for replicas to switch keys\\): retire it after then, or with --force to refuse them now$`,
      ),
    );
    expect(await status(a, oldToken)).toBe(200);

    const forced = await cli('retire', oldKid, '--force');
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toMatch(
      new RegExp(
        `^Key ${oldKid} retired at \\S+Z: every replica refuses the tokens it signed\\.\\nForced: tokens`,
      ),
    );
    // Heard at once by both replicas, however recently they reloaded their keys (never throttled).
    for (const replica of [a, b]) {
      await vi.waitFor(async () => expect(await status(replica, oldToken)).toBe(401), { timeout: 5_000 });
      expect(await status(replica, newToken)).toBe(200);
      expect(await publishedKids(replica)).toEqual([newKid]);
    }
    expect((await cli('list')).stdout).toMatch(new RegExp(`^${oldKid}  \\S+  retired \\S+Z$`, 'm'));

    const events = await db.prisma.auditEvent.findMany({
      where: { type: { startsWith: 'signing-key.' } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((event) => [event.type, event.subjectId])).toEqual([
      ['signing-key.rotated', newKid],
      ['signing-key.retired', oldKid],
    ]);
    expect(events[1]!.payload).toMatchObject({ forced: true, via: { name: 'cli' } });
  });

  it('retire refuses the signing key, an unknown kid and a retired key, in one line (exit 1)', async () => {
    const signing = await keyIn('signing');
    const retired = await keyIn('retired');
    const refusals = await Promise.all([
      cli('retire', signing, '--force'),
      cli('retire', 'no-such-kid'),
      cli('retire', retired),
    ]);
    expect(refusals.map((run) => [run.exitCode, run.stdout])).toEqual([
      [1, ''],
      [1, ''],
      [1, ''],
    ]);
    expect(refusals[0]!.stderr).toBe(
      `error: key ${signing} is the signing key: run aperture keys rotate first, then retire it once the tokens it signed have expired\n`,
    );
    expect(refusals[1]!.stderr).toBe(
      'error: no signing key has kid no-such-kid (aperture keys list shows them)\n',
    );
    expect(refusals[2]!.stderr).toMatch(
      new RegExp(`^error: key ${retired} was retired already, at \\S+Z\\n$`),
    );
  });

  it('retire without --force once the tokens it signed have expired', async () => {
    const previous = await keyIn('signing');
    const rotated = await cli('rotate');
    const next = /^Key (\S+) signs/.exec(rotated.stdout)![1]!;
    // As if the rotation had happened 20 minutes ago (the order of the keys kept).
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await db.prisma.signingKey.update({ where: { kid: previous }, data: { createdAt: ago(30) } });
    await db.prisma.signingKey.update({ where: { kid: next }, data: { createdAt: ago(20) } });

    const retired = await cli('retire', previous);
    expect(retired.exitCode).toBe(0);
    expect(retired.stdout).toMatch(
      new RegExp(`^Key ${previous} retired at \\S+Z: every replica refuses the tokens it signed\\.\\n$`),
    );
  });

  it('a retirement right after a rotation is heard at once (replicas reload on every keys change, unthrottled)', async () => {
    const [a, b] = replicas as [RunningService, RunningService];
    const token = await agentToken(a);
    const rotated = await rotateSigningKey(db.prisma, { tokenTtlSeconds: 600 });
    await vi.waitFor(async () => expect(kidOf(await agentToken(a))).toBe(rotated.kid), { timeout: 5_000 });
    expect(await status(b, token)).toBe(200);
    await retireSigningKey(db.prisma, kidOf(token)!, { tokenTtlSeconds: 600, force: true });
    for (const replica of [a, b])
      await vi.waitFor(async () => expect(await status(replica, token)).toBe(401), { timeout: 3_000 });
  });
});

describe('signing key states', () => {
  const lifetime = { seconds: 600, setBy: 'APERTURE_TOKEN_TTL_SECONDS' };
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

  it('the newest key not retired signs; a key stopped signing when the next one was created', () => {
    const statuses = signingKeyStatuses(
      [
        { kid: 'd', createdAt: at(30), retiredAt: null },
        { kid: 'c', createdAt: at(20), retiredAt: at(35) },
        { kid: 'b', createdAt: at(10), retiredAt: null },
        { kid: 'a', createdAt: at(0), retiredAt: at(40) },
      ],
      lifetime,
    );
    expect(
      statuses.map(({ kid, state, stoppedSigningAt, retirableAt }) => ({
        kid,
        state,
        stoppedSigningAt,
        retirableAt,
      })),
    ).toEqual([
      { kid: 'd', state: 'signing', stoppedSigningAt: null, retirableAt: null },
      { kid: 'c', state: 'retired', stoppedSigningAt: at(30), retirableAt: null },
      // 600 s of token lifetime and 60 s for the replicas to switch after c took over.
      { kid: 'b', state: 'verifying', stoppedSigningAt: at(20), retirableAt: at(31) },
      { kid: 'a', state: 'retired', stoppedSigningAt: at(10), retirableAt: null },
    ]);
  });
});
