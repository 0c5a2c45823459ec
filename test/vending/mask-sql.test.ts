import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mask } from '../../src/policy/policy-schema.ts';
import { maskSql } from '../../src/vending/postgres/mask-sql.ts';
import { rowFilterSql } from '../../src/vending/postgres/row-filter-sql.ts';
import { adminUrl } from '../support/test-database.ts';

/** Each mask's SQL, evaluated by PostgreSQL on sample values. */
describe('masks and row filters in SQL', () => {
  const client = new pg.Client({ connectionString: adminUrl });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const masked = async (mask: Mask, type: string, value: string | null) => {
    const sql = `SELECT ${maskSql('the "col"', type, mask, "'salt'")} AS shown FROM (SELECT $1::${type} AS "the ""col""") AS t`;
    return (await client.query<{ shown: unknown }>(sql, [value])).rows[0]!.shown;
  };

  it('hides, redacts, hashes (salted), keeps the end, keeps the year, or runs governance expressions', async () => {
    expect(await masked({ columns: { tags: ['pii'] }, method: 'null' }, 'text', 'x')).toBeNull();
    expect(await masked({ columns: { tags: ['pii'] }, method: 'redact' }, 'text', 'secret')).toBe('****');
    expect(await masked({ columns: { tags: ['pii'] }, method: 'redact' }, 'text', null)).toBeNull();
    const hashed = await masked({ columns: { tags: ['pii'] }, method: 'hash' }, 'integer', '42');
    const [{ unsalted }] = (await client.query("SELECT encode(sha256('42'::bytea), 'hex') AS unsalted")).rows;
    expect(hashed).toMatch(/^[0-9a-f]{64}$/);
    expect(hashed).not.toBe(unsalted);
    expect(
      await masked(
        { columns: { tags: ['pii'] }, method: 'partial', keepLast: 4 },
        'text',
        '4111222233334444',
      ),
    ).toBe('************4444');
    expect(await masked({ columns: { tags: ['pii'] }, method: 'partial', keepLast: 4 }, 'text', 'abc')).toBe(
      'abc',
    );
    expect(await masked({ columns: { tags: ['pii'] }, method: 'year' }, 'date', '1990-07-14')).toEqual(
      new Date('1990-01-01T00:00:00'),
    );
    expect(await masked({ columns: { tags: ['pii'] }, method: 'year' }, 'text', '1990-07-14')).toBeNull();
    expect(
      await masked(
        { columns: { tags: ['pii'] }, method: 'expression', expression: "left({{column}}, 2) || '…'" },
        'text',
        'hello',
      ),
    ).toBe('he…');
  });

  it("renders row filter placeholders as subqueries of the login's own attributes", () => {
    expect(rowFilterSql('region = {{ human.region }} AND team IN {{human.groups}}', 'm.attrs')).toBe(
      "region = (SELECT value FROM m.attrs WHERE role_name = session_user AND attribute = 'region') AND team IN (SELECT value FROM m.attrs WHERE role_name = session_user AND attribute = 'groups')",
    );
  });
});
