import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/console/sessions/console-sessions.ts';
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
