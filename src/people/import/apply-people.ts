import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditActor, appendAuditEvent } from '../../audit/index.ts';
import { bulkInsert, bulkUpdate, type TableSpec } from '../../db/bulk-write.ts';
import { notifyChange } from '../../db/change-feed.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { scheduleGrantRechecks } from '../../requests/grants/recheck-grants.ts';
import { contentHash } from '../../shared/content-hash.ts';
import { type ChangeCounts, diffByKey } from '../../shared/diff-by-key.ts';
import type { PersonRecord } from '../person-record.ts';

export interface PeopleImportSummary {
  input: string;
  /** `removed` counts people deactivated because the file no longer lists them. */
  people: ChangeCounts;
}

const personTable: TableSpec = {
  table: 'Person',
  hasUpdatedAt: true,
  fields: {
    email: 'text',
    name: 'text',
    title: 'text',
    department: 'text',
    region: 'text',
    groups: 'text[]',
    slackUserId: 'text',
    subject: 'text',
    attributes: 'jsonb',
    active: 'boolean',
    contentHash: 'text',
    managerId: 'uuid',
  },
};

const managerTable: TableSpec = { table: 'Person', hasUpdatedAt: true, fields: { managerId: 'uuid' } };

/**
 * Makes the people store match a people file, in one transaction. The file is the whole
 * directory: people it no longer lists are deactivated (kept for history), not deleted.
 */
export async function applyPeople(
  prisma: PrismaClient,
  input: string,
  records: PersonRecord[],
  options: { actor?: AuditActor | undefined } = {},
): Promise<PeopleImportSummary> {
  return prisma.$transaction(
    async (tx) => {
      const stored = await tx.person.findMany({
        select: { id: true, email: true, contentHash: true, active: true },
      });
      const incoming = records.map((record) => ({
        key: record.email,
        contentHash: contentHash(record),
        value: record,
      }));
      const diff = diffByKey(
        stored.map((person) => ({
          id: person.id,
          key: person.email,
          contentHash: person.active ? person.contentHash : 'inactive',
        })),
        incoming,
      );
      const ids = new Map<string, string>();
      for (const item of [...diff.changed, ...diff.unchanged]) ids.set(item.key, item.id);
      for (const item of diff.added) ids.set(item.key, randomUUID());

      const managerOf = (item: { value: PersonRecord }) =>
        item.value.manager ? (ids.get(item.value.manager) ?? null) : null;
      const data = (record: PersonRecord, hash: string) => ({
        email: record.email,
        name: record.name,
        title: record.title,
        department: record.department,
        region: record.region,
        groups: record.groups,
        slackUserId: record.slackUserId,
        subject: record.subject,
        attributes: record.attributes as Prisma.InputJsonObject,
        active: true,
        contentHash: hash,
      });
      // Slack ids and subjects are unique: clear those of changed and departed people before reassigning.
      const releasing = [...diff.changed.map((item) => item.id), ...diff.removed.map((item) => item.id)];
      await tx.person.updateMany({
        where: { id: { in: releasing } },
        data: { slackUserId: null, subject: null },
      });

      await tx.person.updateMany({
        where: { id: { in: diff.removed.map((item) => item.id) } },
        data: { active: false, contentHash: 'inactive' },
      });
      // Raw bulk statements: Prisma compiles a 10,000-row createMany slowly (seconds per thousand).
      await bulkInsert(
        tx,
        personTable,
        diff.added.map((item) => ({
          id: ids.get(item.key)!,
          ...data(item.value, item.contentHash),
          managerId: null,
        })),
      );
      // One statement per chunk, not one per person: a directory of 10,000 people is 10,000 round trips.
      await bulkUpdate(
        tx,
        personTable,
        diff.changed.map((item) => ({
          id: item.id,
          ...data(item.value, item.contentHash),
          managerId: managerOf(item),
        })),
      );
      // Added people take their managers once every one of them exists (a manager may be added too).
      await bulkUpdate(
        tx,
        managerTable,
        diff.added.flatMap((item) => {
          const managerId = managerOf(item);
          return managerId ? [{ id: ids.get(item.key)!, managerId }] : [];
        }),
      );
      const summary: PeopleImportSummary = {
        input,
        people: {
          added: diff.added.length,
          changed: diff.changed.length,
          removed: diff.removed.filter((item) => item.contentHash !== 'inactive').length,
          unchanged: diff.unchanged.length,
        },
      };
      // Every replica drops what it cached about people (a deactivated person loses access at once).
      await notifyChange(tx, 'people');
      // Grants that rested on a person's former attributes are checked again (a durable job).
      await scheduleGrantRechecks(
        tx,
        [...diff.changed, ...diff.removed].map((item) => item.id),
      );
      await appendAuditEvent(tx, {
        type: 'people.imported',
        actor: options.actor,
        subject: { kind: 'people-directory', id: 'people' },
        payload: { input: summary.input, ...summary.people },
      });
      return summary;
    },
    { timeout: 10 * 60_000 },
  );
}
