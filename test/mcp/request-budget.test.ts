import type { Client } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { answerTokens } from '../../src/mcp/budget/fit-to-budget.ts';
import {
  fitRequestAnswer,
  pathsNotShownLine,
  type RequestView,
  requestText,
} from '../../src/mcp/render/access-request-view.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';
import { callTool } from './support/tool-call.ts';

/** The request tools within the smallest budget, for a request of many paths (each shown up to four times). */
const budget = 1_000;
const t = useRequestWorld({ APERTURE_MCP_RESULT_TOKENS: String(budget) });
const clients: Client[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
});

interface Shown {
  request: { id: string; status: string; paths: string[]; waitingFor: { objects: { path: string }[] }[] };
  pathsNotShown: number;
}

describe('a request of many paths', () => {
  it('fits every answer about it, counting the paths it leaves out', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'Many paths agent',
      resource: mcpResource(t.world.service.url),
    });
    const client = await connectMcp(t.world.service.url, token);
    clients.push(client);

    // What Ana may discover but not read, found page by page.
    const requestable: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callTool<{
        results: { path: string; tier: string }[];
        trimmed: { cursor: string | null }[];
      }>(client, 'search_catalog', {
        query: 'a',
        limit: 50,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.tokens).toBeLessThanOrEqual(budget);
      requestable.push(
        ...page.structured.results.filter((hit) => hit.tier === 'DISCOVER').map((hit) => hit.path),
      );
      cursor = page.structured.trimmed.find((entry) => entry.cursor)?.cursor ?? undefined;
    } while (cursor && requestable.length < 50);
    const paths = requestable.slice(0, 50);
    expect(paths.length).toBeGreaterThanOrEqual(5);

    const filed = await callTool<Shown>(client, 'request_access', {
      paths,
      tier: 'READ',
      justification: 'Churn analysis for the board',
    });
    expect(filed.isError, filed.text).toBe(false);
    expect(filed.tokens).toBeLessThanOrEqual(budget);
    const { request, pathsNotShown } = filed.structured;
    expect(request.paths.length + pathsNotShown).toBe(paths.length);
    for (const step of request.waitingFor) {
      for (const object of step.objects) expect(request.paths).toContain(object.path);
    }

    const followed = await callTool<Shown>(client, 'get_access_request', { id: request.id });
    expect(followed.tokens).toBeLessThanOrEqual(budget);
    expect(followed.structured.request.paths.length + followed.structured.pathsNotShown).toBe(paths.length);
  });
});

describe('fitRequestAnswer', () => {
  const longPath = (n: number) => `analytics.${'very_long_schema_name_'.repeat(6)}.table_${n}`;
  const paths = Array.from({ length: 50 }, (_, n) => longPath(n));
  const view: RequestView = {
    id: 'r1',
    status: 'PENDING',
    personConfirmation: 'NOT_ASKED',
    paths,
    tier: 'READ',
    scope: 'TIME',
    requestedDurationSeconds: 3600,
    approvedDurationSeconds: null,
    ruleId: 'to-owners',
    decidedBy: null,
    reason: null,
    createdAt: '2026-12-06T00:00:00.000Z',
    decidedAt: null,
    pendingUntil: '2026-12-07T00:00:00.000Z',
    waitingFor: [1, 2].map((step) => ({
      name: `step ${step}`,
      required: 1,
      satisfied: false,
      open: step === 1,
      objects: paths.map((path) => ({ path, approvals: 0, waiting: true })),
    })),
    grant: null,
  };
  const build = (shown: RequestView, pathsNotShown: number) => ({
    structured: { request: shown, pathsNotShown },
    text: [...requestText(shown), ...pathsNotShownLine(pathsNotShown)].join('\n'),
  });

  it('keeps the first paths that fit, with their steps, and counts the rest', () => {
    const answer = fitRequestAnswer(view, budget, build);
    expect(answerTokens(answer)).toBeLessThanOrEqual(budget);
    const { request, pathsNotShown } = answer.structured;
    expect(pathsNotShown).toBeGreaterThan(0);
    expect(request.paths).toEqual(paths.slice(0, request.paths.length));
    expect(request.paths.length + pathsNotShown).toBe(50);
    for (const step of request.waitingFor)
      expect(step.objects.map((object) => object.path)).toEqual(request.paths);
    expect(answer.text).toContain(`${pathsNotShown} more paths of this request are not shown`);
  });

  it('leaves a request that fits as it is', () => {
    const answer = fitRequestAnswer(view, 200_000, build);
    expect(answer.structured).toEqual({ request: view, pathsNotShown: 0 });
  });
});
