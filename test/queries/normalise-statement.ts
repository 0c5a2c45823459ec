/**
 * A statement as a snapshot should show it: what it reads or writes and how, not the data. Select,
 * insert and returning lists become `…` (a new column is not a new query), placeholders `?` and
 * lists of them `?, …` (a longer page is not a new query), uuids `<uuid>`, whitespace one space,
 * and the `public` schema is implied. What is left changes when a statement is added, removed or
 * reshaped.
 */
export function normaliseStatement(sql: string): string {
  const collapsed = sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/"public"\./g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\$\d+/g, '?')
    .replace(/\?(?:\s*,\s*\?)+/g, '?, …');
  return withoutLists(collapsed);
}

/**
 * Scans once, keeping the keywords and dropping what follows them up to where the list ends:
 * `SELECT <list> FROM` (subqueries in the list included), `RETURNING <list>` (to the end of its
 * statement or subquery), `INSERT INTO t (<columns>)` and `VALUES (<row>), (<row>) ...`.
 */
function withoutLists(sql: string): string {
  let out = '';
  let index = 0;
  while (index < sql.length) {
    const skipped = listAt(sql, index);
    if (skipped) {
      out += skipped.kept;
      index = skipped.resume;
    } else {
      out += sql[index];
      index += 1;
    }
  }
  return out;
}

function listAt(sql: string, index: number): { kept: string; resume: number } | undefined {
  if (keywordAt(sql, index, 'SELECT')) {
    const from = nextAtSameLevel(sql, index + 'SELECT'.length, 'FROM');
    return from < 0 ? undefined : { kept: 'SELECT … ', resume: from };
  }
  if (keywordAt(sql, index, 'RETURNING')) {
    return { kept: 'RETURNING …', resume: nextAtSameLevel(sql, index, undefined) };
  }
  const group = /^(?:INSERT INTO \S+ |VALUES ?)\(/i.exec(sql.slice(index));
  if (group && !isWordCharacter(sql[index - 1])) {
    let close = nextAtSameLevel(sql, index + group[0].length, undefined);
    if (close >= sql.length) return undefined;
    // More rows of the same insert: how many is data, not shape.
    for (
      let row = /^\s*,\s*\(/.exec(sql.slice(close + 1));
      row;
      row = /^\s*,\s*\(/.exec(sql.slice(close + 1))
    ) {
      const next = nextAtSameLevel(sql, close + 1 + row[0].length, undefined);
      if (next >= sql.length) break;
      close = next;
    }
    return { kept: `${group[0]}…)`, resume: close + 1 };
  }
  return undefined;
}

/**
 * Where `keyword` is next found outside parentheses and quotes, counting from `start`; without a
 * keyword (or when the enclosing group closes first) where the enclosing group closes, else the end
 * of the text. -1 when `keyword` is not found.
 */
function nextAtSameLevel(sql: string, start: number, keyword: string | undefined): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = start; index < sql.length; index += 1) {
    const char = sql[index];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '(') {
      depth += 1;
    } else if (char === ')') {
      depth -= 1;
      if (depth < 0) return keyword ? -1 : index;
    } else if (depth === 0 && keyword && keywordAt(sql, index, keyword)) {
      return index;
    }
  }
  return keyword ? -1 : sql.length;
}

function keywordAt(sql: string, index: number, keyword: string): boolean {
  return (
    sql.slice(index, index + keyword.length).toUpperCase() === keyword &&
    !isWordCharacter(sql[index - 1]) &&
    !isWordCharacter(sql[index + keyword.length])
  );
}

function isWordCharacter(char: string | undefined): boolean {
  return char !== undefined && /\w/.test(char);
}
