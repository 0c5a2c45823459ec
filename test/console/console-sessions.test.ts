import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleHostNames } from '../../src/console/console-host.ts';
import { ConsoleSessionAuthenticator } from '../../src/console/session-authenticator.ts';
import { ConsoleSessions } from '../../src/console/sessions/console-sessions.ts';
import type { ChangeTopic } from '../../src/db/change-feed.ts';
import type { PersonKey, PersonState } from '../../src/identity/state/identity-state.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadTestPeople } from '../support/test-service.ts';

/** Session lifetimes on a clock the test moves: absolute expiry, idle timeout, the touch. */
let db: TestDatabase;
let anaId: string;
let clock = new Date('2026-12-01T08:00:00Z');
let sessions: ConsoleSessions;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  anaId = (await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } })).id;
  const people = {
    async person(key: PersonKey): Promise<PersonState | null> {
      if (!('id' in key)) return null;
      const person = await db.prisma.person.findUnique({ where: { id: key.id } });
      return person
        ? {
            id: person.id,
            email: person.email,
            name: person.name,
            title: person.title,
            department: person.department,
            region: person.region,
            groups: person.groups,
            managerEmail: null,
            attributes: {},
            active: person.active,
          }
        : null;
    },
  };
  sessions = new ConsoleSessions(db.prisma, people, { sessionHours: 12, idleMinutes: 120 }, () => clock);
});
afterAll(async () => {
  await db?.dispose();
});

const minutes = (count: number) => {
  clock = new Date(clock.getTime() + count * 60_000);
};

describe('console sessions', () => {
  it('end when idle for longer than the idle timeout, and the row goes', async () => {
    const created = await sessions.create(anaId, 'development');
    minutes(119);
    expect((await sessions.resolve(created.cookieValue))?.human.email).toBe('ana@acme.test');
    // Touched just now: another 119 minutes of quiet still holds.
    minutes(119);
    expect(await sessions.resolve(created.cookieValue)).not.toBeNull();
    minutes(121);
    expect(await sessions.resolve(created.cookieValue)).toBeNull();
    expect(await db.prisma.consoleSession.count({ where: { lastSeenAt: { lte: clock } } })).toBe(0);
  });

  it('touch at most once a minute', async () => {
    const created = await sessions.create(anaId, 'development');
    const first = await db.prisma.consoleSession.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    clock = new Date(clock.getTime() + 30_000);
    await sessions.resolve(created.cookieValue);
    const unchanged = await db.prisma.consoleSession.findUniqueOrThrow({ where: { id: first.id } });
    expect(unchanged.lastSeenAt).toEqual(first.lastSeenAt);
    clock = new Date(clock.getTime() + 31_000);
    await sessions.resolve(created.cookieValue);
    const touched = await db.prisma.consoleSession.findUniqueOrThrow({ where: { id: first.id } });
    expect(touched.lastSeenAt).toEqual(clock);
  });

  it('end at the absolute expiry however busy', async () => {
    const created = await sessions.create(anaId, 'development');
    for (let hour = 0; hour < 11; hour += 1) {
      minutes(60);
      expect(await sessions.resolve(created.cookieValue)).not.toBeNull();
    }
    minutes(60);
    expect(await sessions.resolve(created.cookieValue)).toBeNull();
  });

  it('know no cookie value they did not make, nor a malformed one', async () => {
    for (const value of ['', 'x'.repeat(43), 'short', `${'a'.repeat(42)}!`]) {
      expect(await sessions.resolve(value)).toBeNull();
    }
  });

  it('sweep sessions already over when a new one is made', async () => {
    await sessions.create(anaId, 'development');
    minutes(13 * 60);
    await sessions.create(anaId, 'development');
    expect(await db.prisma.consoleSession.count()).toBe(1);
  });
});

describe('a stream re-checking its session', () => {
  it("keeps no idle session alive: only the person's own calls do", async () => {
    const created = await sessions.create(anaId, 'development');
    const authenticator = new ConsoleSessionAuthenticator(sessions, {
      secureCookies: false,
      hostNames: consoleHostNames([]),
    });
    const presented = {
      cookie: `aperture_console=${created.cookieValue}`,
      csrf: created.csrfToken,
      host: '127.0.0.1:4000',
    };
    // A stream left open in a forgotten tab re-checks every few minutes, for hours.
    for (let check = 0; check < 29; check += 1) {
      minutes(4);
      await authenticator.recheck(presented);
    }
    minutes(5);
    await expect(authenticator.recheck(presented)).rejects.toThrow('the console session has ended');
    await expect(authenticator.authenticate(presented)).rejects.toThrow('the console session has ended');
  });

  it("signing out tells every replica on the console's own topic, not the people topic", async () => {
    const created = await sessions.create(anaId, 'development');
    const feed = await db.openChangeFeed();
    const topics: (ChangeTopic | undefined)[] = [];
    feed.subscribe((topic) => topics.push(topic));
    try {
      await expect.poll(() => feed.reliable).toBe(true);
      await sessions.end(created.cookieValue);
      await expect.poll(() => topics).toEqual(['console-sessions']);
    } finally {
      await feed.close();
    }
  });
});
