import { decodeJwt } from 'jose';
import type pg from 'pg';
import type { RequestWorld } from '../../test/support/requests-fixture.ts';
import { connectVended } from '../../test/vending/support/source-database.ts';
import { benchSource } from './bench-source.ts';
import { vendMutation } from './vend-load.ts';

const revokeMutation = 'mutation ($id: String!) { revokeDelegationToken(tokenId: $id, reason: "bench") }';
/** How long a session may outlive its revocation before the bench calls it not terminated. */
const giveUpMs = 10_000;

interface VendedLogin {
  username: string;
  password: string;
  host: string;
  port: number;
  database: string;
}

/** How a session's long query ended: `57P01` when the server terminated it. */
interface QueryEnd {
  code: string;
  at: number;
}

interface OpenSession {
  username: string;
  tokenId: string;
  client: pg.Client;
  ended: Promise<QueryEnd>;
}

export interface RevocationRun {
  /** Revoke sent → the session's query failed, in ms (from the first send when all at once). */
  latencies: number[];
  /** The revoke mutation's own answer time. */
  mutationMs: number[];
  /** Sessions that did not end with 57P01 within the give-up time. */
  notTerminated: string[];
}

/**
 * Revocation to termination: each vended login (its own delegation token) has a session running
 * `SELECT pg_sleep(30)`; governance revokes the token over GraphQL and the clock runs until the
 * query fails with 57P01 (admin shutdown). One revocation at a time (the other sessions still
 * open), or all of them sent at once.
 */
export async function measureRevocation(options: {
  world: RequestWorld;
  emails: string[];
  together: boolean;
  /** Counts the sessions of `usernames` running a query (read as the superuser). */
  activeSessions(usernames: string[]): Promise<number>;
}): Promise<RevocationRun> {
  const run: RevocationRun = { latencies: [], mutationMs: [], notTerminated: [] };
  const sessions = await openSessions(options);
  const timeRevoke = async (session: OpenSession) => {
    const sent = performance.now();
    await revoke(options.world, session.tokenId);
    run.mutationMs.push(performance.now() - sent);
  };
  const record = (session: OpenSession, end: QueryEnd, sent: number) => {
    if (end.code !== '57P01') run.notTerminated.push(`${session.username}: ${end.code}`);
    else run.latencies.push(end.at - sent);
  };
  try {
    if (options.together) {
      const sent = performance.now();
      await Promise.all(sessions.map(timeRevoke));
      for (const session of sessions) record(session, await endOf(session), sent);
    } else {
      for (const session of sessions) {
        const sent = performance.now();
        await timeRevoke(session);
        record(session, await endOf(session), sent);
      }
    }
  } finally {
    await closeAll(sessions);
  }
  return run;
}

async function openSessions(options: {
  world: RequestWorld;
  emails: string[];
  activeSessions(usernames: string[]): Promise<number>;
}): Promise<OpenSession[]> {
  const sessions: OpenSession[] = [];
  try {
    for (const email of options.emails) sessions.push(await openSession(options.world, email));
    const usernames = sessions.map((session) => session.username);
    const deadline = performance.now() + 10_000;
    while ((await options.activeSessions(usernames)) < sessions.length) {
      if (performance.now() > deadline) throw new Error('the vended sessions did not all start their query');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    await closeAll(sessions);
    throw error;
  }
  return sessions;
}

async function openSession(world: RequestWorld, email: string): Promise<OpenSession> {
  const token = await world.agentToken(email);
  const vended = await world.gql<{ vendDatabaseCredential: VendedLogin }>(token, vendMutation, {
    source: benchSource,
  });
  const login = vended.data?.vendDatabaseCredential;
  if (!login) throw new Error(`vend for ${email}: ${JSON.stringify(vended.errors)}`);
  // A terminated session's query rejects: that rejection is what is timed.
  const client = await connectVended(login);
  const ended = client.query('SELECT pg_sleep(30)').then(
    (): QueryEnd => ({ code: 'completed', at: performance.now() }),
    (error: { code?: string }): QueryEnd => ({ code: error.code ?? 'no code', at: performance.now() }),
  );
  return { username: login.username, tokenId: decodeJwt(token).jti!, client, ended };
}

async function revoke(world: RequestWorld, tokenId: string): Promise<void> {
  const result = await world.governance.run(revokeMutation, { id: tokenId });
  if (result.errors) throw new Error(`revokeDelegationToken: ${JSON.stringify(result.errors)}`);
}

function endOf(session: OpenSession): Promise<QueryEnd> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<QueryEnd>((resolve) => {
    timer = setTimeout(
      () => resolve({ code: `still running after ${giveUpMs} ms`, at: Number.NaN }),
      giveUpMs,
    );
  });
  return Promise.race([session.ended, giveUp]).finally(() => clearTimeout(timer));
}

async function closeAll(sessions: OpenSession[]): Promise<void> {
  await Promise.all(sessions.map((session) => session.client.end().catch(() => {})));
}
