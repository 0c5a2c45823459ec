import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from './readme-blocks.ts';

/**
 * Every GraphQL block of the README is a document a reader can paste into GraphiQL: it parses,
 * every operation is named when there are several, and it validates against the printed schema.
 * Placeholders the reader fills in (`"<request id>"`, `"…"`) are string literals, so they validate.
 */
const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
const graphqlBlocks = readmeBlocks().filter((block) => block.language === 'graphql');

describe('the README GraphQL', () => {
  it('has GraphQL examples in the quickstart and the reference sections', () => {
    expect(graphqlBlocks.length).toBeGreaterThanOrEqual(8);
    expect(graphqlBlocks.some((block) => block.section === 'Quickstart')).toBe(true);
  });

  it.each(graphqlBlocks.map((block) => [`line ${block.line} (${block.section})`, block] as const))(
    'block at %s is a valid document against schema/schema.graphql',
    (_where, block) => {
      const document = parse(block.code);
      const problems = validate(schema, document).map((error) => error.message);
      expect(problems).toEqual([]);
    },
  );
});
