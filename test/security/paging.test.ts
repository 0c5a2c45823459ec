import { beforeAll, describe, expect, it } from 'vitest';
import { logLevels, useSurfaceWorld } from './support/surface-world.ts';

const t = useSurfaceWorld();

const pagingArguments = ['first', 'last', 'after', 'before'];

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface IntrospectedField {
  name: string;
  args: { name: string; type: TypeRef }[];
  type: TypeRef;
}

const typeRef = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';

/** Every field of the schema that takes a paging argument, read from the schema itself so new ones are covered. */
let pagedFields: { parent: string; field: IntrospectedField }[] = [];
const enumValues = new Map<string, string>();

beforeAll(async () => {
  const introspected = await t.world.gql<{
    __schema: {
      types: {
        kind: string;
        name: string;
        fields: IntrospectedField[] | null;
        enumValues: { name: string }[] | null;
      }[];
    };
  }>(
    await t.world.humanToken('gina@acme.test'),
    `{ __schema { types { kind name enumValues { name }
        fields { name args { name type { ${typeRef} } } type { ${typeRef} } } } } }`,
  );
  const types = introspected.data!.__schema.types;
  for (const type of types) if (type.enumValues?.[0]) enumValues.set(type.name, type.enumValues[0].name);
  pagedFields = types
    .filter((type) => type.kind === 'OBJECT' && !type.name.startsWith('__'))
    .flatMap((type) =>
      (type.fields ?? [])
        .filter((field) => field.args.some((arg) => pagingArguments.includes(arg.name)))
        .map((field) => ({ parent: type.name, field })),
    );
});

function namedType(type: TypeRef): TypeRef {
  return type.ofType ? namedType(type.ofType) : type;
}

/** A value for a required argument that is not about paging (e.g. `search(query:)`). */
function requiredValue(arg: IntrospectedField['args'][number]): string {
  const type = namedType(arg.type);
  if (type.kind === 'ENUM') return enumValues.get(type.name!)!;
  if (type.name === 'String' || type.name === 'ID') return JSON.stringify('orders');
  if (type.name === 'Int') return '1';
  throw new Error(`add a value for required argument ${arg.name} of type ${type.name}`);
}

/** A document calling `field` with the given paging arguments (and its other required arguments). */
function documentFor(field: IntrospectedField, paging: Record<string, unknown>): string {
  const required = field.args
    .filter((arg) => arg.type.kind === 'NON_NULL' && !pagingArguments.includes(arg.name))
    .map((arg) => `${arg.name}: ${requiredValue(arg)}`);
  const given = Object.entries(paging).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  const leaf = ['SCALAR', 'ENUM'].includes(namedType(field.type).kind);
  return `{ ${field.name}(${[...required, ...given].join(', ')})${leaf ? '' : ' { __typename }'} }`;
}

function refusal(fieldName: string, argument: string, message: string) {
  return {
    data: null,
    errors: [
      {
        message: `paging: invalid input\n  - ${argument}: ${message}`,
        path: [fieldName],
        extensions: {
          code: 'INVALID_INPUT',
          details: { input: 'paging', problems: [{ location: argument, message }] },
        },
      },
    ],
  };
}

const sizeProblem = 'must be an integer from 0 to 200';
const cursorProblem = 'must be a cursor from a previous page';

describe('paging arguments are validated with one rule on every connection and list', () => {
  it('the schema pages only root query fields (a nested one must be added to this suite)', () => {
    expect(pagedFields.length).toBeGreaterThanOrEqual(7);
    expect(pagedFields.filter(({ parent }) => parent !== 'Query').map(({ field }) => field.name)).toEqual([]);
  });

  it('negative, oversized and combined sizes answer INVALID_INPUT naming the argument, never a crash', async () => {
    const token = await t.world.humanToken('gina@acme.test');
    const before = t.logs.length;
    for (const { field } of pagedFields) {
      const names = field.args.map((arg) => arg.name);
      const attacks: [Record<string, unknown>, string, string][] = [
        [{ first: -1 }, 'first', sizeProblem],
        [{ first: 201 }, 'first', sizeProblem],
      ];
      if (names.includes('last')) {
        attacks.push([{ last: -3 }, 'last', sizeProblem], [{ last: 1_000 }, 'last', sizeProblem]);
        attacks.push([{ first: 1, last: 1 }, 'last', 'cannot be combined with first']);
      }
      for (const [paging, argument, message] of attacks) {
        const { status: _status, ...answer } = await t.world.gql(token, documentFor(field, paging));
        expect({ field: field.name, paging, answer }).toEqual({
          field: field.name,
          paging,
          answer: refusal(field.name, argument, message),
        });
      }
    }
    const unexpected = t.logs.slice(before).filter((line) => line.level >= logLevels.error);
    expect(unexpected).toEqual([]);
  });

  it('forged, oversized and control-character cursors answer INVALID_INPUT naming the argument', async () => {
    const token = await t.world.humanToken('gina@acme.test');
    const forged = ['', 'x'.repeat(1001), 'analytics\u0000marts'];
    for (const { field } of pagedFields.filter(({ field }) =>
      field.args.some((arg) => arg.name === 'after'),
    )) {
      for (const argument of ['after', 'before']) {
        for (const cursor of forged) {
          const { status: _status, ...answer } = await t.world.gql(
            token,
            documentFor(field, { first: 5, [argument]: cursor }),
          );
          expect({ field: field.name, argument, cursor, answer }).toEqual({
            field: field.name,
            argument,
            cursor,
            answer: refusal(field.name, argument, cursorProblem),
          });
        }
      }
    }
  });

  it('search refuses cursors it did not hand out, and last without before', async () => {
    const token = await t.world.humanToken('gina@acme.test');
    const search = (args: string) =>
      t.world.gql(token, `{ search(query: "orders", ${args}) { totalCount } }`);
    for (const cursor of [
      'not-a-cursor',
      'T2Zmc2V0Q29ubmVjdGlvbjphYmM=',
      Buffer.from('OffsetConnection:-5').toString('base64'),
      Buffer.from('OffsetConnection:30').toString('base64').replace(/=+$/, ''),
      Buffer.from('OffsetConnection:1e3').toString('base64'),
    ]) {
      const { status: _status, ...answer } = await search(`first: 5, after: ${JSON.stringify(cursor)}`);
      expect(answer).toEqual(refusal('search', 'after', cursorProblem));
    }
    const { status: _status, ...answer } = await search('last: 5');
    expect(answer).toEqual(refusal('search', 'last', 'needs before on this connection'));
  });

  it('the documented bounds still page: 0 (a count only) and 200', async () => {
    const token = await t.world.humanToken('gina@acme.test');
    for (const { field } of pagedFields) {
      for (const first of [0, 200]) {
        const answer = await t.world.gql(token, documentFor(field, { first }));
        expect({ field: field.name, first, errors: answer.errors }).toEqual({
          field: field.name,
          first,
          errors: undefined,
        });
      }
    }
    const page = await t.world.gql<{ search: { edges: { cursor: string }[] } }>(
      token,
      '{ search(query: "orders", first: 2) { edges { cursor } } }',
    );
    const next = await t.world.gql(
      token,
      `{ search(query: "orders", first: 2, after: ${JSON.stringify(page.data!.search.edges[1]!.cursor)}) { totalCount } }`,
    );
    expect(next.errors).toBeUndefined();
  });
});
