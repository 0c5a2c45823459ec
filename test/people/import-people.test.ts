import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import { failureOf } from '../support/failure-of.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'aperture-people-'));
});
afterAll(() => db.dispose());

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

async function importFile(file: string) {
  return applyPeople(db.prisma, file, await parsePeopleFile(file));
}

const people = [
  {
    email: 'ceo@acme.example',
    name: 'Carla CEO',
    title: 'CEO',
    department: 'executive',
    region: 'amer',
    groups: ['leadership'],
    manager: null,
    slackUserId: 'U000CEO',
  },
  {
    email: 'ana@acme.example',
    name: 'Ana Analyst',
    title: 'Analyst',
    department: 'finance',
    region: 'emea',
    groups: ['finance', 'analysts'],
    manager: 'ceo@acme.example',
    slackUserId: 'U000ANA',
    attributes: { costCenter: 'FIN-1', clearance: 2 },
  },
];

describe('people import', () => {
  it('loads JSON with attributes and managers', async () => {
    const summary = await importFile(await write('people.json', JSON.stringify(people)));
    expect(summary.people).toEqual({ added: 2, changed: 0, removed: 0, unchanged: 0 });
    const ana = await db.prisma.person.findUniqueOrThrow({
      where: { email: 'ana@acme.example' },
      include: { manager: true },
    });
    expect(ana).toMatchObject({
      department: 'finance',
      region: 'emea',
      groups: ['finance', 'analysts'],
      slackUserId: 'U000ANA',
      attributes: { costCenter: 'FIN-1', clearance: 2 },
    });
    expect(ana.manager?.email).toBe('ceo@acme.example');
  });

  it('loads CSV: groups split on ";", extra columns become attributes, re-import is idempotent', async () => {
    const csv = [
      'email,name,title,department,region,groups,manager,slack_user_id,costCenter',
      'ceo@acme.example,Carla CEO,CEO,executive,amer,leadership,,U000CEO,',
      'ana@acme.example,Ana Analyst,Senior Analyst,finance,emea,finance;analysts,ceo@acme.example,U000ANA,FIN-1',
    ].join('\n');
    const summary = await importFile(await write('people.csv', csv));
    expect(summary.people).toMatchObject({ added: 0, removed: 0 });
    const ana = await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.example' } });
    expect(ana).toMatchObject({
      title: 'Senior Analyst',
      groups: ['finance', 'analysts'],
      attributes: { costCenter: 'FIN-1' },
    });
    const again = await importFile(await write('people.csv', csv));
    expect(again.people).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
  });

  it('deactivates people who are no longer listed', async () => {
    const summary = await importFile(await write('only-ceo.json', JSON.stringify([people[0]])));
    expect(summary.people.removed).toBe(1);
    const ana = await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.example' } });
    expect(ana.active).toBe(false);
    const back = await importFile(await write('people.json', JSON.stringify(people)));
    expect(back.people.changed).toBe(1);
    expect((await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.example' } })).active).toBe(
      true,
    );
  });

  it('re-import moves people to new managers, clears old ones, and lets two people swap Slack ids', async () => {
    const reorganized: {
      email: string;
      name: string;
      manager: string | null;
      slackUserId?: string | null;
    }[] = [
      { ...people[0]!, manager: 'chair@acme.example', slackUserId: 'U000ANA' },
      { ...people[1]!, manager: null, slackUserId: 'U000CEO' },
      { email: 'chair@acme.example', name: 'Chair', manager: null },
      { email: 'new@acme.example', name: 'New Hire', manager: 'chair@acme.example' },
    ];
    const summary = await importFile(await write('reorganized.json', JSON.stringify(reorganized)));
    expect(summary.people).toEqual({ added: 2, changed: 2, removed: 0, unchanged: 0 });
    const stored = await db.prisma.person.findMany({
      where: { email: { in: reorganized.map((person) => person.email) } },
      select: { email: true, slackUserId: true, active: true, manager: { select: { email: true } } },
      orderBy: { email: 'asc' },
    });
    expect(stored).toEqual([
      { email: 'ana@acme.example', slackUserId: 'U000CEO', active: true, manager: null },
      {
        email: 'ceo@acme.example',
        slackUserId: 'U000ANA',
        active: true,
        manager: { email: 'chair@acme.example' },
      },
      { email: 'chair@acme.example', slackUserId: null, active: true, manager: null },
      {
        email: 'new@acme.example',
        slackUserId: null,
        active: true,
        manager: { email: 'chair@acme.example' },
      },
    ]);
    const back = await importFile(await write('people.json', JSON.stringify(people)));
    expect(back.people).toEqual({ added: 0, changed: 2, removed: 2, unchanged: 0 });
    const ana = await db.prisma.person.findUniqueOrThrow({
      where: { email: 'ana@acme.example' },
      select: { slackUserId: true, manager: { select: { email: true } } },
    });
    expect(ana).toEqual({ slackUserId: 'U000ANA', manager: { email: 'ceo@acme.example' } });
  });

  it('refuses bad rows, naming the file, the row and the reason, and changes nothing', async () => {
    const before = await db.prisma.person.findMany({ orderBy: { email: 'asc' } });
    const csv = [
      'Email,Name,Manager,SlackUserId',
      '',
      'not-an-email,Someone,,',
      'bob@acme.example,,,',
      'ceo@acme.example,Carla,,U000CEO',
      'ceo@acme.example,Carla again,,',
      'dan@acme.example,Dan,ghost@acme.example,lowercase',
    ].join('\n');
    const file = await write('bad.csv', csv);
    const error = await failureOf(importFile(file));
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/line 3 email: must be an email address/);
    expect(error.message).toMatch(/line 4 name: is required/);
    expect(error.message).toMatch(/line 6: duplicate email ceo@acme.example \(first at line 5\)/);
    expect(error.message).toMatch(/line 7 slackUserId: must be a Slack user id/);
    expect(await db.prisma.person.findMany({ orderBy: { email: 'asc' } })).toEqual(before);
  });

  it('refuses unknown managers and management loops', async () => {
    const loop = [
      { email: 'a@acme.example', name: 'A', manager: 'b@acme.example' },
      { email: 'b@acme.example', name: 'B', manager: 'a@acme.example' },
      { email: 'c@acme.example', name: 'C', manager: 'nobody@acme.example' },
    ];
    const error = await failureOf(importFile(await write('loop.json', JSON.stringify(loop))));
    expect(error.message).toMatch(/\[0\] manager: the management chain loops back to a@acme.example/);
    expect(error.message).toMatch(/\[2\] manager: nobody@acme.example is not in this file/);
  });

  it('refuses files that are not JSON arrays or CSV', async () => {
    await expect(importFile(await write('x.json', '{"email": 1}'))).rejects.toThrow(/must hold a JSON array/);
    await expect(importFile(await write('x.txt', 'hello'))).rejects.toThrow(/must be a .json or .csv file/);
    await expect(
      importFile(await write('x.json', '[{"email": "a@b.example", "name": "A", "salary": 1}]')),
    ).rejects.toThrow(/Unrecognized key: "salary"/);
  });
});
