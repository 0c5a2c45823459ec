import { describe, expect, it } from 'vitest';
import { runToCompletion } from '../support/spawn-cli.ts';

/**
 * The official MCP conformance suite against /mcp (scripts/mcp-conformance.ts: a fresh database,
 * the real service, the suite offline). It passes what applies to aperture; what does not apply
 * is listed there with why, and an entry that starts passing fails the run as stale.
 */
describe('the official MCP conformance suite', () => {
  it('passes every scenario that applies to aperture', async () => {
    const run = await runToCompletion(process.execPath, ['--import', 'tsx', 'scripts/mcp-conformance.ts'], {
      env: process.env,
    });
    const output = `${run.stdout}${run.stderr}`;
    const code = run.exitCode;
    expect(code, output).toBe(0);
    expect(output).toContain('conformance: as expected');
    expect(output).toMatch(/tools-list/);
  }, 120_000);
});
