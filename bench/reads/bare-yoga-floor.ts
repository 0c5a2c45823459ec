import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, type GraphQLFieldResolver } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { projectPath } from '../../src/shared/project-paths.ts';

/**
 * The floor a read is compared with: a bare graphql-yoga server on aperture's own printed schema,
 * with the Query fields answering the captured JSON from memory. It parses, validates and executes
 * the same document and serializes the same answer, and does nothing else: no authentication, no
 * database, no authorization.
 */
export async function serveBareYoga(
  answers: Record<string, GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const schema = buildSchema(await readFile(projectPath('schema', 'schema.graphql'), 'utf8'));
  const fields = schema.getQueryType()!.getFields();
  for (const [name, resolve] of Object.entries(answers)) fields[name]!.resolve = resolve;
  const yoga = createYoga({ schema, graphiql: false, logging: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
