/**
 * A statement as a snapshot should show it: what it reads or writes and how, not the data. Select
 * lists become `…` (a new column is not a new query), placeholders `?` and lists of them `?, …` (a
 * longer page is not a new query), uuids `<uuid>`, whitespace one space, and the `public` schema
 * is implied. What is left changes when a statement is added, removed or reshaped.
 */
export function normaliseStatement(sql: string): string {
  const collapsed = sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/"public"\./g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\$\d+/g, '?')
    .replace(/\?(?:\s*,\s*\?)+/g, '?, …');
  return withoutSelectLists(collapsed);
}

/** Every `SELECT <list> FROM` becomes `SELECT … FROM`, subqueries in the list included. */
function withoutSelectLists(sql: string): string {
  let out = '';
  let index = 0;
  while (index < sql.length) {
    const listEnd = keywordAt(sql, index, 'SELECT') ? fromOfSameLevel(sql, index + 'SELECT'.length) : -1;
    if (listEnd < 0) {
      out += sql[index];
      index += 1;
      continue;
    }
    out += 'SELECT … ';
    index = listEnd;
  }
  return out;
}

/** Where the `FROM` that closes the select list starting at `start` is; -1 when there is none. */
function fromOfSameLevel(sql: string, start: number): number {
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
      if (depth < 0) return -1;
    } else if (depth === 0 && keywordAt(sql, index, 'FROM')) {
      return index;
    }
  }
  return -1;
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
