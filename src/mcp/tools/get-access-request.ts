import type { ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { AccessRequest } from '../../../generated/prisma/client.ts';
import { requestNotFound } from '../../requests/request-input.ts';
import type { RequestsModule } from '../../requests/requests-module.ts';
import type { McpCaller } from '../mcp-caller.ts';
import { defineTool } from '../mcp-tool.ts';
import {
  fitRequestAnswer,
  maxWaitSeconds,
  pathsNotShownLine,
  pathsNotShownSchema,
  requestText,
  requestView,
  requestViewSchema,
} from '../render/access-request-view.ts';

/** How often a waiting call tells a client that asked for progress that it is still waiting. */
export const progressIntervalMs = 5_000;

/** How often a waiting call checks its credential again (revocation, suspension, intent). */
const recheckIntervalMs = 2_000;

const input = z
  .object({
    id: z.string().trim().min(1).max(200).describe('The id request_access returned.'),
    wait_seconds: z
      .number()
      .int()
      .min(0)
      .max(maxWaitSeconds)
      .default(0)
      .describe(
        `Wait up to this many seconds (0 to ${maxWaitSeconds}) for the decision; the call returns as soon as it is decided. Default 0: answer at once.`,
      ),
  })
  .strict();

const output = z.object({
  request: requestViewSchema,
  pathsNotShown: pathsNotShownSchema,
  waitedSeconds: z.number().describe('How long this call waited (0 without wait_seconds).'),
});

export const getAccessRequestTool = defineTool({
  name: 'get_access_request',
  title: 'Follow an access request',
  description: [
    'The status of an access request you made: what it still waits for, the decision and reason, and the grant.',
    `With wait_seconds (up to ${maxWaitSeconds}) it waits for the decision and returns as soon as a human decides, so you need not poll;`,
    'clients that send a progress token get a progress notification every few seconds while it waits.',
    'You cannot approve or deny requests: humans decide them.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  async run({ id, wait_seconds }, { caller, modules: { requests }, mcp, options }) {
    const { viewer } = caller;
    const started = Date.now();
    const request =
      wait_seconds > 0
        ? await waitForDecision(requests, caller, id, wait_seconds * 1000, mcp)
        : await requests.get(viewer, id);
    // What a wait ends with is told only to a credential that still holds (checked every 2 s
    // during the wait; once more now, for a revocation in the last moments or an expiry).
    if (wait_seconds > 0) await caller.recheck();
    if (!request) throw requestNotFound(id);
    const view = await requestView(requests, viewer, request);
    const waitedSeconds = wait_seconds > 0 ? Math.round((Date.now() - started) / 100) / 10 : 0;
    return fitRequestAnswer(view, options.resultTokens, (shown, pathsNotShown) => {
      const lines = [...requestText(shown), ...pathsNotShownLine(pathsNotShown)];
      if (wait_seconds > 0 && shown.status === 'PENDING')
        lines.push(`still pending after waiting ${waitedSeconds} s`);
      return { structured: { request: shown, pathsNotShown, waitedSeconds }, text: lines.join('\n') };
    });
  },
});

/**
 * The request once it is no longer pending, or as it is when the wait ends, the client cancels or
 * the token expires. Follows the same stream as GraphQL's accessRequestUpdated (it reads the
 * request again on every change, from any replica); an unknown or foreign id is NOT_FOUND at once.
 * The credential is checked again every few seconds: a token revoked (or an agent suspended)
 * during the wait ends it with UNAUTHENTICATED, as a GraphQL stream ends.
 */
async function waitForDecision(
  requests: RequestsModule,
  caller: Pick<McpCaller, 'viewer' | 'recheck'>,
  id: string,
  waitMs: number,
  mcp: ServerContext,
): Promise<AccessRequest | null> {
  const { viewer } = caller;
  const { signal, _meta } = mcp.mcpReq;
  const progressToken = _meta?.progressToken;
  // Ends the stream (and its change listener) as soon as this wait ends, whatever ended it.
  const ended = new AbortController();
  const updates = requests.updates(viewer, id, ended.signal);
  let latest: AccessRequest | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let next: Promise<IteratorResult<AccessRequest>> | undefined;
  let rechecker: ReturnType<typeof setInterval> | undefined;
  const refused = new Promise<never>((_, reject) => {
    rechecker = setInterval(() => caller.recheck().catch(reject), recheckIntervalMs);
  });
  refused.catch(() => {});
  const stop = new Promise<'stop'>((resolve) => {
    timer = setTimeout(() => resolve('stop'), waitMs);
    if (signal.aborted) resolve('stop');
    signal.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  const started = Date.now();
  const progress = (message: string) => {
    if (progressToken === undefined) return;
    const elapsed = Math.min(waitMs, Date.now() - started) / 1000;
    void mcp.mcpReq
      .notify({
        method: 'notifications/progress',
        params: { progressToken, progress: Math.round(elapsed), total: waitMs / 1000, message },
      })
      .catch(() => {});
  };
  try {
    for (;;) {
      next = updates.next();
      const outcome = await Promise.race([next, stop, refused]);
      if (outcome === 'stop' || outcome.done) return latest ?? (await requests.get(viewer, id));
      latest = outcome.value;
      if (latest.status !== 'PENDING') return latest;
      if (!ticker) {
        progress('waiting for a human to decide');
        ticker = setInterval(() => progress('still waiting for a human to decide'), progressIntervalMs);
      } else {
        progress('an approval was counted; still waiting for the decision');
      }
    }
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    clearInterval(rechecker);
    ended.abort();
    next?.catch(() => {});
  }
}
