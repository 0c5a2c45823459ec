import type { Mask } from '../../policy/policy-schema.ts';
import { quoteIdent } from './managed-names.ts';

const dateTypes = /^(date|timestamp( without time zone| with time zone)?|timestamptz)(\(\d+\))?/i;

/**
 * The SQL that shows a column the way its mask says, evaluated in a view owned by the reader role:
 * the vended role never holds a privilege on the raw column, so neither `pg_stats` nor a query of
 * the base table shows it. `salt` is an expression the reader can read and the vended role cannot,
 * so a hash cannot be matched against hashes of guessed values.
 */
export function maskSql(column: string, dataType: string, mask: Mask, salt: string): string {
  const raw = quoteIdent(column);
  const asText = `${raw}::text`;
  switch (mask.method) {
    case 'null':
      return 'NULL::text';
    case 'redact':
      return `CASE WHEN ${raw} IS NULL THEN NULL ELSE '****' END`;
    case 'hash':
      return `CASE WHEN ${raw} IS NULL THEN NULL ELSE encode(sha256(convert_to(${salt} || ${asText}, 'UTF8')), 'hex') END`;
    case 'partial': {
      const keep = mask.keepLast ?? 4;
      return `CASE WHEN ${raw} IS NULL THEN NULL ELSE repeat('*', greatest(length(${asText}) - ${keep}, 0)) || right(${asText}, ${keep}) END`;
    }
    case 'year':
      if (!dateTypes.test(dataType.trim())) return 'NULL::text';
      return /^date/i.test(dataType.trim())
        ? `date_trunc('year', ${raw})::date`
        : `date_trunc('year', ${raw})`;
    case 'expression':
      // Governance wrote it (no statement separators or comments, see policy-schema.ts).
      return `(${(mask.expression ?? 'NULL').replaceAll('{{column}}', raw)})`;
  }
}
