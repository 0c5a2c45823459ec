import type { ServerContext, ToolAnnotations } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { ToolAnswer } from './budget/fit-to-budget.ts';
import type { McpCaller } from './mcp-caller.ts';
import type { McpModules, McpOptions } from './mcp-modules.ts';

/** What a tool's run gets besides its arguments. */
export interface ToolContext {
  caller: McpCaller;
  modules: McpModules;
  options: McpOptions;
  /** The SDK's per-call context: cancellation signal, progress notifications. */
  mcp: ServerContext;
}

/**
 * One MCP tool: a thin adapter over a domain module. Input and output schemas are zod (the SDK
 * publishes them as JSON Schema); annotations say truthfully what a call does.
 */
export interface McpTool<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: Input;
  output: Output;
  annotations: ToolAnnotations;
  run(args: z.output<Input>, context: ToolContext): Promise<ToolAnswer<z.output<Output>>>;
}

/** Keeps each tool's input and output types tied to its schemas. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  tool: McpTool<Input, Output>,
): McpTool<Input, Output> {
  return tool;
}
