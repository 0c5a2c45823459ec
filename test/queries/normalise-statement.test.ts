import { describe, expect, it } from 'vitest';
import { normaliseStatement } from './normalise-statement.ts';

describe('a statement as query snapshots show it', () => {
  it('keeps what is read and how, not the columns, values or page length', () => {
    expect(
      normaliseStatement(`SELECT "public"."Dataset"."id", (SELECT count(*) FROM "public"."Column")
        FROM "public"."Dataset"
        WHERE "public"."Dataset"."id" IN ($1,$2,$3) AND "ownerId" = '0b7a1c9e-1111-2222-3333-444455556666'
        OFFSET $4`),
    ).toBe(`SELECT … FROM "Dataset" WHERE "Dataset"."id" IN (?, …) AND "ownerId" = '<uuid>' OFFSET ?`);
  });

  it('keeps what is written, not how many rows or which columns', () => {
    expect(
      normaliseStatement(
        'INSERT INTO "public"."Job" ("id","kind") VALUES ($1,$2),($3,CAST($4::text AS "Kind")) ON CONFLICT DO NOTHING RETURNING "Job"."id"',
      ),
    ).toBe('INSERT INTO "Job" (…) VALUES (…) ON CONFLICT DO NOTHING RETURNING …');
    expect(
      normaliseStatement(
        'WITH moved AS (UPDATE "Job" SET "runAt" = $1 RETURNING id, kind) SELECT * FROM moved',
      ),
    ).toBe('WITH moved AS (UPDATE "Job" SET "runAt" = ? RETURNING …) SELECT … FROM moved');
  });

  it('leaves a select without FROM as it is', () => {
    expect(normaliseStatement('SELECT pg_advisory_xact_lock(hashtext($1))')).toBe(
      'SELECT pg_advisory_xact_lock(hashtext(?))',
    );
  });
});
