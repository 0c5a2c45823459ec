import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { inChannel } from '../audit/channel.ts';
import { OAuthError } from '../identity/exchange/oauth-error.ts';
import { tokenExchangeRequestSchema } from '../identity/exchange/token-exchange-request.ts';
import { type TokenRefusalReason, TokenRefusedError } from '../identity/token-refusal.ts';
import { jwtTokenType, maxTokenLength, tokenExchangeGrantType } from '../identity/tokens/token-types.ts';
import { type AgentViewer, isAgent } from '../identity/viewer.ts';
import { ApertureError } from '../shared/errors.ts';
import { callerFor, mcpChannel } from './mcp-caller.ts';
import type { McpModules, McpOptions } from './mcp-modules.ts';
import { buildMcpServer } from './mcp-server.ts';
import { type ExchangedToken, RenewingToken } from './renewing-token.ts';

const token = z
  .string()
  .trim()
  .max(maxTokenLength, 'is too large for a token')
  .regex(/^[A-Za-z0-9._~+/=-]+$/, 'is not a token (one JWT, nothing around it)');

/** What `aperture mcp` reads from its environment besides the service's own settings. */
const stdioEnvironmentSchema = z.object({
  APERTURE_TOKEN: token.optional(),
  APERTURE_HUMAN_TOKEN: token.optional(),
  APERTURE_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
  APERTURE_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  APERTURE_INTENT: tokenExchangeRequestSchema.shape.intent,
  APERTURE_TASK_ID: tokenExchangeRequestSchema.shape.task_id,
  /** A running aperture to forward to (its /mcp), instead of opening the database here. */
  APERTURE_URL: z.url({ protocol: /^https?$/ }).optional(),
});

const exchangeVariables = [
  'APERTURE_HUMAN_TOKEN',
  'APERTURE_CLIENT_ID',
  'APERTURE_CLIENT_SECRET',
  'APERTURE_INTENT',
] as const;

/** How an stdio server proves whom it acts for: a delegation token, or the agent's exchange. */
export type StdioCredential =
  | { kind: 'token'; token: string }
  | {
      kind: 'exchange';
      humanToken: string;
      clientId: string;
      clientSecret: string;
      intent: string;
      taskId: string | null;
    };

/**
 * The credential named by the environment, or one line that says what is wrong (never a value):
 * APERTURE_TOKEN alone, or all of the exchange variables (APERTURE_TASK_ID optional).
 */
export function stdioCredentialFromEnv(
  env: NodeJS.ProcessEnv,
): { credential: StdioCredential; remote: string | null } | { problem: string } {
  const given = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => name.startsWith('APERTURE_') && value !== ''),
  );
  const parsed = stdioEnvironmentSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${issue.path.join('.')} ${issue.message}` };
  }
  const vars = parsed.data;
  const remote = vars.APERTURE_URL?.replace(/\/$/, '') ?? null;
  const exchange = exchangeVariables.filter((name) => vars[name] !== undefined);
  if (vars.APERTURE_TOKEN !== undefined) {
    if (exchange.length > 0 || vars.APERTURE_TASK_ID !== undefined) {
      return {
        problem: `set either APERTURE_TOKEN or the exchange variables (${exchangeVariables.join(', ')}), not both`,
      };
    }
    return { credential: { kind: 'token', token: vars.APERTURE_TOKEN }, remote };
  }
  const missing = exchangeVariables.filter((name) => vars[name] === undefined);
  if (missing.length > 0) {
    return {
      problem:
        exchange.length === 0
          ? `set APERTURE_TOKEN (a delegation token) or ${exchangeVariables.join(', ')} (to exchange a person's token)`
          : `missing ${missing.join(', ')} (needed with ${exchange.join(', ')} to exchange a person's token)`,
    };
  }
  return {
    credential: {
      kind: 'exchange',
      humanToken: vars.APERTURE_HUMAN_TOKEN!,
      clientId: vars.APERTURE_CLIENT_ID!,
      clientSecret: vars.APERTURE_CLIENT_SECRET!,
      intent: vars.APERTURE_INTENT!,
      taskId: vars.APERTURE_TASK_ID ?? null,
    },
    remote,
  };
}

/** Refusals an exchanged token may get while the credential behind it still holds. */
const renewable = new Set<TokenRefusalReason>(['expired', 'older_than_intent_allows']);

/**
 * The agent every tool call acts as, authenticated again against the current state on every call
 * (revocation, suspension, intent, the human still active), as over HTTP. A given token must be a
 * delegation token for one of `audiences`; exchanged tokens are made in process for the API's
 * audience and exchanged again shortly before they expire. A revoked token is not replaced: the
 * session stays refused (someone meant to stop it).
 */
export class StdioViewers {
  private readonly exchanged: RenewingToken | null;
  private readonly bearer: () => Promise<string>;
  private revoked = false;

  constructor(
    private readonly identity: McpModules['identity'],
    credential: StdioCredential,
    private readonly audiences: readonly string[],
  ) {
    if (credential.kind === 'exchange') {
      // Shared by concurrent calls: it runs in no call's channel, so its audit names no call's client.
      const renewing = new RenewingToken(() => inChannel(mcpChannel(null), () => this.exchange(credential)));
      this.exchanged = renewing;
      this.bearer = () => renewing.current();
    } else {
      const { token } = credential;
      this.exchanged = null;
      this.bearer = () => Promise.resolve(token);
    }
  }

  async viewer(): Promise<AgentViewer> {
    try {
      return await this.authenticated();
    } catch (error) {
      // An exchanged token that aged out (its intent's lifetime was shortened, or it expired
      // early): exchange a fresh one, once. A revoked one is never replaced.
      if (!(error instanceof TokenRefusedError) || !renewable.has(error.reason) || !this.exchanged?.holds)
        throw error;
      this.exchanged.forget();
      return this.authenticated();
    }
  }

  private async authenticated(): Promise<AgentViewer> {
    if (this.revoked && this.exchanged) {
      throw new TokenRefusedError(
        'revoked',
        'the delegation token was revoked: start aperture mcp again to exchange a new one',
      );
    }
    const bearer = await this.bearer();
    try {
      const viewer = await this.identity.authenticator.authenticate(`Bearer ${bearer}`, {
        kind: 'resource',
        audiences: this.audiences,
      });
      if (!isAgent(viewer)) throw new TokenRefusedError('wrong_audience', 'a delegation token is required');
      return viewer;
    } catch (error) {
      if (error instanceof TokenRefusedError && error.reason === 'revoked') this.revoked = true;
      throw error;
    }
  }

  private async exchange(
    credential: Extract<StdioCredential, { kind: 'exchange' }>,
  ): Promise<ExchangedToken> {
    const { humanToken, clientId, clientSecret, intent, taskId } = credential;
    try {
      const response = await this.identity.tokenExchange.exchange(
        {
          grant_type: tokenExchangeGrantType,
          subject_token: humanToken,
          subject_token_type: jwtTokenType,
          intent,
          ...(taskId ? { task_id: taskId } : {}),
        },
        { clientId, clientSecret },
      );
      return { token: response.access_token, expiresInSeconds: response.expires_in };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      throw new ApertureError(
        'UNAUTHENTICATED',
        `the token exchange was refused (${error.code}): ${error.description}`,
      );
    }
  }
}

export interface StdioServer {
  /** Settles when the client closes its end (stdin ends) or `close` is called. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * A stdio connection's lifetime: it ends when the client closes its end of `input`, or on
 * `close` (the SDK's handle first, then whatever else the server holds).
 */
export function stdioLifetime(
  input: Readable,
  handle: { close(): Promise<void> },
  alsoClose: () => Promise<void> = async () => {},
): StdioServer {
  let ended = () => {};
  const closed = new Promise<void>((resolve) => {
    ended = resolve;
    input.once('end', resolve);
    input.once('close', resolve);
  });
  return {
    closed,
    async close() {
      await handle.close();
      await alsoClose();
      ended();
    },
  };
}

/**
 * MCP over stdio for `aperture mcp`: one connection, the same tools and checks as /mcp, each call
 * authenticated again (see StdioViewers). Only the protocol goes to `output`; logs go elsewhere.
 */
export function serveMcpStdio(
  modules: McpModules,
  options: McpOptions,
  viewers: StdioViewers,
  io: { input?: Readable; output?: Writable } = {},
): StdioServer {
  const input = io.input ?? process.stdin;
  const handle = serveStdio(
    () =>
      buildMcpServer(modules, options, async (_context, client) =>
        callerFor(modules, {
          viewer: await viewers.viewer(),
          transport: 'stdio',
          client,
          requestId: randomUUID(),
          recheck: async () => {
            await viewers.viewer();
          },
        }),
      ),
    {
      transport: new StdioServerTransport(input, io.output ?? process.stdout),
      onerror: (error) => modules.logger.warn({ err: error }, 'mcp stdio connection error'),
    },
  );
  return stdioLifetime(input, handle);
}
