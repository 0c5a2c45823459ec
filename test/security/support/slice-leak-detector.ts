import type { Oracle } from './slice-world.ts';

/** One place in a response that names something the viewer may not discover. */
export interface Leak {
  /** JSON pointer to the string (or key) that names it. */
  at: string;
  value: string;
  names: string;
}

/** `a.b`, `a.b.c`, `a.b.c.d`: schema, dataset and column paths, wherever they sit in a string. */
const dotted = /[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){1,3}/g;

/**
 * Walks a whole GraphQL response (data, errors, extensions, every string and key) and reports every
 * catalog path or name the viewer may not discover: dataset and column paths anywhere inside a
 * string (SQL, reasons, messages), schema paths whose datasets are all hidden, and metric or
 * glossary names that are a whole string or the tail of a `kind:name` reason. Nonexistent paths
 * are not leaks (the attacker typed them).
 */
export function findLeaks(response: unknown, oracle: Oracle): Leak[] {
  const leaks: Leak[] = [];
  const visibleSchemas = new Set(
    [...oracle.visible].filter((path) => oracle.catalog.byPath.get(path)?.kind === 'dataset').map(schemaOf),
  );
  const hiddenSchemas = new Set(
    [...oracle.hidden]
      .filter((path) => oracle.catalog.byPath.get(path)?.kind === 'dataset')
      .map(schemaOf)
      .filter((schema) => !visibleSchemas.has(schema)),
  );
  const check = (value: string, at: string) => {
    for (const token of value.match(dotted) ?? []) {
      if (oracle.hidden.has(token) || hiddenSchemas.has(token)) leaks.push({ at, value, names: token });
    }
    const tail = value.includes(':') ? value.slice(value.lastIndexOf(':') + 1) : value;
    for (const name of new Set([value, tail])) {
      const object = oracle.catalog.byPath.get(name) ?? oracle.catalog.byPath.get(`glossary:${name}`);
      if (object && object.kind !== 'dataset' && object.kind !== 'column' && oracle.hidden.has(name)) {
        leaks.push({ at, value, names: name });
      }
    }
  };
  const walk = (node: unknown, at: string) => {
    if (typeof node === 'string') check(node, at);
    else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, `${at}/${index}`);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        check(key, `${at}/${key}#key`);
        walk(value, `${at}/${key}`);
      }
    }
  };
  walk(response, '');
  return leaks;
}

function schemaOf(path: string): string {
  return path.split('.').slice(0, 2).join('.');
}
