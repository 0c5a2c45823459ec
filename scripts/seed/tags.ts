import type { ColumnOpts } from './types.ts';

/** Column option shorthands. `pii:*` tags get a plain `pii` tag added by the column builder. */
export const PK: ColumnOpts = { pk: true };
export const EMAIL: ColumnOpts = { tags: ['pii:email'] };
export const PHONE: ColumnOpts = { tags: ['pii:phone'] };
export const NAME: ColumnOpts = { tags: ['pii:name'] };
export const ADDRESS: ColumnOpts = { tags: ['pii:address'] };
export const IP: ColumnOpts = { tags: ['pii:ip_address'] };
export const DOB: ColumnOpts = { tags: ['pii:date_of_birth'], sensitivity: 'restricted' };
export const FREE_TEXT: ColumnOpts = { tags: ['pii:free_text'] };
/** Implies restricted. */
export const SSN: ColumnOpts = { tags: ['pii:ssn', 'gdpr:special'] };
export const DEMOGRAPHIC: ColumnOpts = { tags: ['pii:demographic', 'gdpr:special'] };
export const HEALTH: ColumnOpts = { tags: ['pii:health', 'gdpr:special'] };
export const CARD: ColumnOpts = { tags: ['pci', 'financial'] };
export const COMP: ColumnOpts = { tags: ['financial', 'compensation'] };
export const FIN: ColumnOpts = { tags: ['financial'] };

/** Column tags that raise a column to at least the given sensitivity. */
export const impliedByTag: Readonly<Record<string, 'confidential' | 'restricted'>> = {
  pii: 'confidential',
  'pii:ssn': 'restricted',
  'pii:demographic': 'restricted',
  'pii:health': 'restricted',
  pci: 'restricted',
  compensation: 'restricted',
};
