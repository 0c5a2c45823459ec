import { type CallToolResult, McpServer, type ServerContext } from '@modelcontextprotocol/server';
import { inChannel } from '../audit/channel.ts';
import { viewerAuditActor } from '../identity/viewer.ts';
import { validateInput } from '../shared/validate.ts';
import { apertureVersion } from '../version.ts';
import { clientInfoOf } from './client-info.ts';
import { type McpCaller, type McpClientInfo, mcpChannel } from './mcp-caller.ts';
import type { McpModules, McpOptions } from './mcp-modules.ts';
import type { McpTool } from './mcp-tool.ts';
import { publishedSchemas } from './published-schema.ts';
import { toolError } from './tool-errors.ts';
import { mcpTools } from './tools/index.ts';

const instructions = [
  'aperture tells you what you may know of the company catalog for the person you act for, and lets you ask for more.',
  'Start with whoami, find objects with search_catalog, read them with describe_object, and before writing SQL call get_sql_context with the tables you need.',
  'What you do not see does not exist for you. When you need more, call request_access; when a human has to approve, get_access_request with wait_seconds returns as soon as they decide.',
  'Answers are trimmed to fit your context: follow the cursor they name to read on.',
].join(' ');

/**
 * One MCP server instance, for one HTTP request or one stdio connection. Every tool call first
 * finds its caller (`callerOf`: over HTTP the viewer the route authenticated for this request,
 * which carries one call; over stdio the credential checked again for each call), runs over the
 * same domain modules as GraphQL, then audits what it handed out.
 */
export function buildMcpServer(
  modules: McpModules,
  options: McpOptions,
  callerOf: CallerOf,
  tools: readonly McpTool[] = mcpTools,
): McpServer {
  const server = new McpServer({ name: 'aperture', version: apertureVersion }, { instructions });
  for (const tool of tools) {
    const schemas = publishedSchemas(tool);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: schemas.input,
        outputSchema: schemas.output,
        annotations: tool.annotations,
      },
      // Inside the call's channel: every audit event it causes, however deep, records it.
      (args, context) => {
        const client = clientInfoOf(context, server);
        return inChannel(mcpChannel(client), () =>
          callTool({ tool, args, context, client, callerOf, modules, options }),
        );
      },
    );
  }
  return server;
}

type CallerOf = (context: ServerContext, client: McpClientInfo | null) => Promise<McpCaller>;

/** One tool call: its caller, its own validation of the arguments, the run, the audit; refusals as tool errors. */
async function callTool(call: {
  tool: McpTool;
  args: unknown;
  context: ServerContext;
  client: McpClientInfo | null;
  callerOf: CallerOf;
  modules: McpModules;
  options: McpOptions;
}): Promise<CallToolResult> {
  const { tool, context, modules } = call;
  let caller: McpCaller | undefined;
  try {
    caller = await call.callerOf(context, call.client);
    const input = validateInput(tool.input, call.args, `${tool.name} arguments`);
    const answer = await tool.run(input, { caller, modules, options: call.options, mcp: context });
    auditHandedOut(modules, caller, tool.name);
    return { content: [{ type: 'text', text: answer.text }], structuredContent: answer.structured };
  } catch (error) {
    const requestId = caller?.requestId ?? String(context.mcpReq.id);
    const { result, expected, retryable } = toolError(error, requestId);
    const logger = caller?.logger ?? modules.logger;
    if (retryable) logger.warn({ tool: tool.name, refusal: result.content[0] }, 'database unavailable');
    else if (expected) logger.info({ tool: tool.name, refusal: result.content[0] }, 'mcp tool call refused');
    else logger.error({ err: error, tool: tool.name }, 'mcp tool call failed');
    return result;
  }
}

/** Like GraphQL's slice audit: one event per call for the catalog objects it handed out. */
function auditHandedOut(modules: McpModules, caller: McpCaller, tool: string): void {
  const objects = caller.catalog.handedOut();
  if (objects.length === 0) return;
  const { viewer } = caller;
  modules.auditBatcher.enqueue({
    type: 'slice.queried',
    actor: viewerAuditActor(viewer),
    intent: viewer.intent,
    policyVersion: caller.catalog.policyVersion,
    subject: { kind: 'mcp-tool', id: tool },
    payload: {
      requestId: caller.requestId,
      tokenId: viewer.tokenId,
      taskId: viewer.taskId,
      transport: caller.transport,
      client: caller.client,
      objects,
    },
  });
}
