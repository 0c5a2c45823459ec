import { z } from 'zod';
import { defineTool } from '../mcp-tool.ts';

const output = z.object({
  human: z.object({ name: z.string(), email: z.string() }),
  agentChain: z
    .array(z.object({ clientId: z.string(), name: z.string() }))
    .describe('From the agent the human delegated to, down to you.'),
  intent: z.string(),
  taskId: z.string().nullable(),
  tokenExpiresAt: z.string().describe('ISO 8601; exchange a fresh token before then.'),
});

export const whoamiTool = defineTool({
  name: 'whoami',
  title: 'Who am I acting for',
  description:
    'The person you act for, your delegation chain, the intent and task you act under, and when your token expires.',
  input: z.object({}).strict(),
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  async run(_args, { caller: { viewer } }) {
    const structured = {
      human: { name: viewer.human.name, email: viewer.human.email },
      agentChain: viewer.chain.map(({ clientId, name }) => ({ clientId, name })),
      intent: viewer.intent,
      taskId: viewer.taskId,
      tokenExpiresAt: viewer.expiresAt.toISOString(),
    };
    const chain = structured.agentChain.map((agent) => agent.clientId).join(' > ');
    const text = [
      `Acting for ${viewer.human.name} <${viewer.human.email}> through ${chain}`,
      `intent ${viewer.intent}${viewer.taskId ? `, task ${viewer.taskId}` : ''}`,
      `token expires ${structured.tokenExpiresAt}`,
    ].join('; ');
    return { structured, text };
  },
});
