import type { PolicyHuman } from './access-context.ts';
import { attributeValues } from './human-attributes.ts';

/** A SQL literal: strings quoted with '' escaping, numbers and booleans as such. */
function literal(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Renders `region = {{human.region}}` with the human's own values, quoted: one value as a literal,
 * several (groups, list attributes) as `('a', 'b')` for IN, none as NULL (which matches no row).
 */
export function renderRowFilter(template: string, human: PolicyHuman): string {
  return template.replace(/\{\{\s*human\.([\w.-]+)\s*\}\}/g, (_placeholder, attribute: string) => {
    const values = attributeValues(human, attribute);
    if (values.length === 0) return 'NULL';
    if (attribute === 'groups' || values.length > 1) return `(${values.map(literal).join(', ')})`;
    return literal(values[0]!);
  });
}
