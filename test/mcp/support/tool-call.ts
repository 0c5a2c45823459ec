import type { Client } from '@modelcontextprotocol/client';
import { estimateTokens } from '../../../src/mcp/budget/estimate-tokens.ts';

/** One tool call's answer as an agent reads it: structured content, its text, whether it was refused. */
export interface ToolReply<T = Record<string, unknown>> {
  isError: boolean;
  structured: T;
  text: string;
  /** What the answer costs the agent's context (structured JSON and text, estimated). */
  tokens: number;
}

export async function callTool<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolReply<T>> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as { type: string; text: string }[])
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
  const structured = result.structuredContent as T;
  return {
    isError: result.isError === true,
    structured,
    text,
    tokens: estimateTokens(JSON.stringify(structured)) + estimateTokens(text),
  };
}

/** A trimmed answer's cursor for more items, if it names one. */
export function nextCursor(reply: ToolReply<{ trimmed?: { cursor: string | null }[] }>): string | undefined {
  return reply.structured.trimmed?.find((entry) => entry.cursor !== null)?.cursor ?? undefined;
}
