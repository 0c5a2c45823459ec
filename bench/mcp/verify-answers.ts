import { isDeepStrictEqual } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { sendStep } from '../load/send-step.ts';
import type { Comparison } from './bench-comparisons.ts';
import { modernRevision, parseToolAnswer } from './mcp-tool-call.ts';

/**
 * Before anything is timed, sends every distinct request of a comparison once and refuses to go on
 * unless each is a success: GraphQL data without errors; MCP a tool result that is not an error
 * (`isError`), with structured content. Then checks that the hand-built modern POST is what the
 * SDK's own Client sends: the Client, pinned to 2026-07-28, makes the first call and must get the
 * same structured content.
 */
export async function verifyAnswers(
  origin: string,
  compared: Comparison,
  withLegacy: boolean,
): Promise<void> {
  const steps = [
    ...compared.graphql.flat(),
    ...compared.mcp.flat(),
    ...(withLegacy ? compared.legacy.flat() : []),
  ];
  await inBatches(steps, 8, async (step) => {
    const text = await sendStep(origin, step);
    if (step.expect && !text.includes(step.expect))
      throw new Error(`${step.label} ${step.path}: the answer lacks ${step.expect}: ${text.slice(0, 500)}`);
    if (step.path === '/graphql') {
      const answer = JSON.parse(text) as { data?: unknown; errors?: unknown };
      if (answer.errors || !answer.data) throw new Error(`${step.label} GraphQL: ${text.slice(0, 500)}`);
    } else {
      const { result, error } = parseToolAnswer(text);
      if (error || !result || result.isError || typeof result.structuredContent !== 'object')
        throw new Error(`${step.label} MCP: not a successful tool result: ${text.slice(0, 500)}`);
    }
  });

  const first = compared.mcp[0]![0]!;
  const { params } = JSON.parse(first.body!) as {
    params: { name: string; arguments: Record<string, unknown> };
  };
  const client = new Client(
    { name: 'aperture-bench', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: modernRevision } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
      requestInit: { headers: { authorization: first.headers!.authorization! } },
    }),
  );
  try {
    const viaClient = await client.callTool({ name: params.name, arguments: params.arguments });
    const raw = parseToolAnswer(await sendStep(origin, first)).result;
    if (viaClient.isError || !isDeepStrictEqual(viaClient.structuredContent, raw?.structuredContent))
      throw new Error(
        `${compared.label}: the SDK Client's answer differs from the raw POST's: ${JSON.stringify(viaClient).slice(0, 500)}`,
      );
  } finally {
    await client.close();
  }
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map(run));
}
