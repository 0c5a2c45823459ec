import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API (the boundary we cannot reach in tests), served on loopback. Point a WebClient
 * at it with `slackApiUrl: fake.apiUrl`. It checks what real Slack checks (auth, required fields,
 * text/blocks/metadata limits) so that a payload the fake accepts is one Slack would accept, and it
 * fails the ways Slack fails (`{ ok: false }` with HTTP 200, HTTP 429 with Retry-After, 5xx).
 */
export class FakeSlack {
  /** Base URL for WebClient's `slackApiUrl`; methods are POSTed to `${apiUrl}<method>`. */
  apiUrl = '';
  /** Every request received, in order, including the ones that failed. */
  readonly calls: RecordedCall[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views: OpenedView[] = [];
  readonly teamId = 'T0APERTURE';
  readonly botUserId = 'U0APERTUREBOT';
  readonly botId = 'B0APERTURE';

  private server: Server | undefined;
  private baseUrl = '';
  private readonly token: string;
  private readonly users = new Map<string, SlackUser>();
  private readonly posted: StoredMessage[] = [];
  private readonly failingChannels = new Set<string>();
  /** Channels `conversations.list` shows: added ones and those posted to by name (id → name). */
  private readonly channelNames = new Map<string, string>();
  private readonly failures: { remaining: number; mode: FailureMode; method: string | undefined }[] = [];
  private readonly waiters = new Set<{
    predicate: (call: RecordedCall) => boolean;
    resolve: (call: RecordedCall) => void;
  }>();
  private isDown = false;
  private delayMs = 0;
  private lastTsMicros = 0;
  private viewCount = 0;

  private constructor(token: string) {
    this.token = token;
  }

  static async start(options: { token?: string } = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options.token ?? 'xoxb-test');
    const server = createServer((request, response) => {
      fake.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`fake slack crashed: ${error instanceof Error ? error.stack : String(error)}`);
      });
    });
    fake.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.apiUrl = `${fake.baseUrl}/api/`;
    return fake;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    // WebClient's agent keeps connections alive; drop them so close() does not wait for their timeout.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets calls, messages, ephemerals, views and pending failures (users and failing channels stay). */
  reset(): void {
    this.calls.length = 0;
    this.posted.length = 0;
    this.ephemerals.length = 0;
    this.views.length = 0;
    this.failures.length = 0;
    this.isDown = false;
  }

  addUser(user: SlackUser): void {
    this.users.set(user.id, user);
  }

  /** A channel of the workspace, listed by `conversations.list` (a name, with or without '#'). */
  addChannel(name: string): void {
    const bare = name.replace(/^#/, '');
    this.channelNames.set(this.channelId(bare), bare);
  }

  /** Posts to this channel (by name, with or without '#', or by id) answer `channel_not_found`. */
  failChannel(nameOrId: string): void {
    this.failingChannels.add(nameOrId.replace(/^#/, ''));
  }

  /**
   * The next `count` requests (optionally only those to `options.method`) fail with `mode`: an HTTP
   * status, a 429 with `Retry-After: seconds`, or `{ ok: false, error }`. Calls queue up in order.
   */
  failNext(count: number, mode: FailureMode, options: { method?: string } = {}): void {
    this.failures.push({ remaining: count, mode, method: options.method });
  }

  /** Every request answers HTTP 500 until `up()` (an outage lasting longer than any retry). */
  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  /** Every answer comes `ms` later (a slow Slack); 0 again for normal speed. */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  /** The channel id a channel name resolves to (posting to a name answers with this id, like Slack). */
  channelId(name: string): string {
    return `C${name
      .replace(/^#/, '')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')}`;
  }

  /** A response_url served by this fake; Bolt's `respond()` POSTs there, recorded as method `response_url`. */
  responseUrl(key = 'default'): string {
    return `${this.baseUrl}/respond/${encodeURIComponent(key)}`;
  }

  /** Current state of posted messages (after updates), oldest first. */
  messages(channel?: string): SlackMessage[] {
    return this.posted
      .filter((message) => channel === undefined || message.channel === channel)
      .map((message) => ({ ...message }));
  }

  /** Resolves with the first recorded call (past or future) matching `predicate`. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 2000): Promise<RecordedCall> {
    const already = this.calls.find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (call: RecordedCall) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.calls.map((call) => `${call.method} → ${call.status} ${call.error ?? ''}`.trim());
        reject(
          new Error(
            `FakeSlack.waitFor timed out after ${timeoutMs} ms; calls seen: ${seen.join(', ') || 'none'}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(request);
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const respondMatch = /^\/respond\/([^/]+)$/.exec(url.pathname);
    if (!apiMatch && !respondMatch) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    const method = apiMatch ? apiMatch[1]! : 'response_url';
    const parsed = parseBody(raw, request.headers['content-type'], url.searchParams);
    const body = parsed ?? {};
    const token = bearerToken(request.headers.authorization) ?? stringField(body, 'token');

    let reply: Reply;
    const failure = this.takeFailure(method);
    if (failure && 'disconnect' in failure) {
      // No answer at all: the client sees a request error (socket hang up), as when Slack is unreachable.
      this.calls.push({
        method,
        path: url.pathname,
        body: parsed ?? {},
        token,
        at: new Date(),
        status: 0,
        error: 'disconnected',
        response: undefined,
      });
      request.socket.destroy();
      return;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.isDown) reply = { status: 500, text: 'Internal Server Error' };
    else if (failure && 'afterEffect' in failure) {
      // Slack did the work (a message is posted) but the answer is lost in an error.
      if (parsed !== undefined && token === this.token) this.dispatch(method, body);
      reply = { status: failure.status, text: 'Internal Server Error' };
    } else if (failure) reply = failureReply(failure);
    else if (parsed === undefined) reply = slackError('invalid_json');
    else if (respondMatch) reply = { status: 200, json: { ok: true } };
    else if (token !== this.token) reply = slackError('invalid_auth');
    else reply = this.dispatch(method, body);

    const call: RecordedCall = {
      method,
      path: url.pathname,
      body,
      token,
      at: new Date(),
      status: reply.status,
      error: reply.json && reply.json.ok === false ? String(reply.json.error) : undefined,
      response: reply.json,
    };
    this.calls.push(call);
    for (const waiter of [...this.waiters]) if (waiter.predicate(call)) waiter.resolve(call);

    const headers: Record<string, string> = {
      'content-type': reply.json ? 'application/json; charset=utf-8' : 'text/plain',
      ...reply.headers,
    };
    response.writeHead(reply.status, headers);
    response.end(reply.json ? JSON.stringify(reply.json) : (reply.text ?? ''));
  }

  private takeFailure(method: string): FailureMode | undefined {
    const rule = this.failures.find(
      (candidate) => candidate.method === undefined || candidate.method === method,
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.failures.splice(this.failures.indexOf(rule), 1);
    return rule.mode;
  }

  private dispatch(method: string, body: Body): Reply {
    switch (method) {
      case 'auth.test':
        return ok({
          url: 'https://aperture-test.slack.com/',
          team: 'Aperture Test',
          user: 'aperture',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
        });
      case 'chat.postMessage':
        return this.postMessage(body);
      case 'chat.update':
        return this.update(body);
      case 'chat.postEphemeral':
        return this.postEphemeral(body);
      case 'conversations.open':
        return this.openConversation(body);
      case 'conversations.history':
        return this.history(body);
      case 'conversations.list':
        return ok({
          channels: [...this.channelNames].map(([id, name]) => ({ id, name, is_channel: true })),
          response_metadata: { next_cursor: '' },
        });
      case 'conversations.replies':
        return this.replies(body);
      case 'views.open':
        return this.openView(body);
      case 'users.lookupByEmail': {
        const email = stringField(body, 'email')?.toLowerCase();
        const user = [...this.users.values()].find((candidate) => candidate.email.toLowerCase() === email);
        return user ? ok({ user: this.userObject(user) }) : slackError('users_not_found');
      }
      case 'users.info': {
        const user = this.users.get(stringField(body, 'user') ?? '');
        return user ? ok({ user: this.userObject(user) }) : slackError('user_not_found');
      }
      default:
        return slackError('unknown_method');
    }
  }

  private postMessage(body: Body): Reply {
    const channel = this.resolveChannel(body.channel, { posting: true });
    if (typeof channel !== 'string') return channel;
    const content = validateContent(body);
    if ('status' in content) return content;
    const named = stringField(body, 'channel') ?? '';
    if (channel.startsWith('C') && named !== channel) this.channelNames.set(channel, named.replace(/^#/, ''));
    const threadTs = stringField(body, 'thread_ts');
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      text: content.text,
      blocks: content.blocks,
      metadata: content.metadata,
      threadTs,
      updates: 0,
    };
    this.posted.push(message);
    return ok({ channel, ts: message.ts, message: this.messageObject(message) });
  }

  private update(body: Body): Reply {
    const channel = this.resolveChannel(body.channel, { posting: false });
    if (typeof channel !== 'string') return channel;
    const ts = stringField(body, 'ts');
    const message = this.posted.find((candidate) => candidate.channel === channel && candidate.ts === ts);
    if (!message) return slackError('message_not_found');
    const content = validateContent(body);
    if ('status' in content) return content;
    // Fields sent replace the stored ones; omitted fields are kept, as in Slack.
    if (content.text !== undefined) message.text = content.text;
    if (content.blocks !== undefined) message.blocks = content.blocks;
    if (content.metadata !== undefined) message.metadata = content.metadata;
    message.updates += 1;
    return ok({ channel, ts: message.ts, text: message.text ?? '', message: this.messageObject(message) });
  }

  private postEphemeral(body: Body): Reply {
    const channel = this.resolveChannel(body.channel, { posting: true });
    if (typeof channel !== 'string') return channel;
    const user = stringField(body, 'user');
    if (!user) return slackError('user_not_found');
    const content = validateContent(body);
    if ('status' in content) return content;
    const ts = this.nextTs();
    this.ephemerals.push({ channel, user, ts, text: content.text, blocks: content.blocks });
    return ok({ message_ts: ts });
  }

  private openConversation(body: Body): Reply {
    const users = body.users;
    const first = Array.isArray(users)
      ? users[0]
      : typeof users === 'string'
        ? users.split(',')[0]
        : undefined;
    if (typeof first !== 'string' || first.trim() === '') return slackError('users_list_not_supplied');
    return ok({ channel: { id: `D${first.trim()}` } });
  }

  private history(body: Body): Reply {
    const channel = this.resolveChannel(body.channel, { posting: false });
    if (typeof channel !== 'string') return channel;
    const inclusive = truthy(body.inclusive);
    const oldest = numberField(body, 'oldest');
    const latest = numberField(body, 'latest');
    const limit = Math.min(numberField(body, 'limit') ?? 100, 999);
    const offset = Number(stringField(body, 'cursor') ?? 0) || 0;
    const matching = this.posted
      // Thread replies are not part of a channel's history (they come from conversations.replies).
      .filter(
        (message) => message.channel === channel && (!message.threadTs || message.threadTs === message.ts),
      )
      .filter(
        (message) =>
          oldest === undefined || (inclusive ? Number(message.ts) >= oldest : Number(message.ts) > oldest),
      )
      .filter(
        (message) =>
          latest === undefined || (inclusive ? Number(message.ts) <= latest : Number(message.ts) < latest),
      )
      .reverse();
    const more = matching.length > offset + limit;
    return ok({
      messages: matching.slice(offset, offset + limit).map((message) => this.messageObject(message)),
      has_more: more,
      pin_count: 0,
      response_metadata: { next_cursor: more ? String(offset + limit) : '' },
    });
  }

  private replies(body: Body): Reply {
    const channel = this.resolveChannel(body.channel, { posting: false });
    if (typeof channel !== 'string') return channel;
    const ts = stringField(body, 'ts');
    const parent = this.posted.find((message) => message.channel === channel && message.ts === ts);
    if (!parent) return slackError('thread_not_found');
    const thread = this.posted.filter(
      (message) => message === parent || (message.channel === channel && message.threadTs === ts),
    );
    return ok({ messages: thread.map((message) => this.messageObject(message)), has_more: false });
  }

  private openView(body: Body): Reply {
    const triggerId = stringField(body, 'trigger_id');
    if (!triggerId) return slackError('invalid_arguments');
    const view = body.view;
    if (!isRecord(view) || typeof view.type !== 'string') return slackError('invalid_arguments');
    // Modals hold at most 100 blocks.
    if (view.blocks !== undefined && !validBlocks(view.blocks, 100)) return slackError('invalid_arguments');
    this.viewCount += 1;
    const id = `V${String(this.viewCount).padStart(8, '0')}`;
    this.views.push({ id, triggerId, view });
    return ok({
      view: { ...view, id, team_id: this.teamId, state: { values: {} }, hash: `${Date.now()}.${id}` },
    });
  }

  /**
   * Any channel id is accepted. Posting also takes a channel name (answered with a stable fake id, see
   * `channelId`) or a user id (answered with the DM's `D…` id); reading and updating take only the
   * id the post answered with, so code that stored the wrong one fails here as it would against Slack.
   */
  private resolveChannel(value: unknown, options: { posting: boolean }): string | Reply {
    if (typeof value !== 'string' || value === '') return slackError('channel_not_found');
    const bare = value.replace(/^#/, '');
    const isName = value.startsWith('#') || /[a-z_-]/.test(value);
    const isUser = !isName && /^[UW]/.test(value);
    const id = isName ? this.channelId(bare) : isUser ? `D${value}` : value;
    if (this.failingChannels.has(bare) || this.failingChannels.has(id))
      return slackError('channel_not_found');
    if ((isName || isUser) && !options.posting) return slackError('channel_not_found');
    return id;
  }

  /** Unique, increasing message timestamps near the real clock, so `oldest`/age filters behave. */
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTsMicros + 100);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private messageObject(message: StoredMessage): Record<string, unknown> {
    return {
      type: 'message',
      user: this.botUserId,
      bot_id: this.botId,
      app_id: 'A0APERTURE',
      team: this.teamId,
      ts: message.ts,
      text: message.text ?? '',
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.metadata ? { metadata: message.metadata } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(message.updates > 0 ? { edited: { user: this.botUserId, ts: message.ts } } : {}),
    };
  }

  private userObject(user: SlackUser): Record<string, unknown> {
    return {
      id: user.id,
      team_id: this.teamId,
      name: user.name,
      real_name: user.realName ?? user.name,
      deleted: user.deleted ?? false,
      is_bot: false,
      profile: { email: user.email, real_name: user.realName ?? user.name, display_name: user.name },
    };
  }
}

export interface SlackUser {
  id: string;
  email: string;
  name: string;
  realName?: string;
  deleted?: boolean;
}

/**
 * An HTTP status (e.g. 500), the same after the call took effect (`afterEffect`: posted, then 500), a
 * 429 with `Retry-After: <seconds>`, HTTP 200 `{ ok: false, error }`, or the connection closed without
 * an answer.
 */
export type FailureMode =
  | { status: number }
  | { status: number; afterEffect: true }
  | { ratelimited: number }
  | { error: string }
  | { disconnect: true };

export interface RecordedCall {
  /** The Web API method, or `response_url` for POSTs to `responseUrl()`. */
  method: string;
  path: string;
  /** Form fields as strings, except blocks/attachments/metadata/view which are parsed from their JSON. */
  body: Record<string, unknown>;
  token: string | undefined;
  at: Date;
  status: number;
  /** The `error` of an `{ ok: false }` answer. */
  error: string | undefined;
  response: Record<string, unknown> | undefined;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: Record<string, unknown>[] | undefined;
  metadata: MessageMetadata | undefined;
  threadTs: string | undefined;
  /** How many chat.update calls changed it (to check that updates are idempotent, not repeated). */
  updates: number;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text: string | undefined;
  blocks: Record<string, unknown>[] | undefined;
}

export interface OpenedView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
}

type StoredMessage = SlackMessage;
type Body = Record<string, unknown>;
type Reply = {
  status: number;
  json?: Record<string, unknown>;
  text?: string;
  headers?: Record<string, string>;
};

const MAX_TEXT = 40_000;
const MAX_MESSAGE_BLOCKS = 50;
/** Fields WebClient JSON-encodes inside its form body (it stringifies every non-scalar argument). */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);

function ok(fields: Record<string, unknown>): Reply {
  return { status: 200, json: { ok: true, ...fields } };
}

function slackError(error: string): Reply {
  return { status: 200, json: { ok: false, error } };
}

function failureReply(mode: Exclude<FailureMode, { disconnect: true } | { afterEffect: true }>): Reply {
  if ('ratelimited' in mode) {
    return {
      status: 429,
      headers: { 'retry-after': String(mode.ratelimited) },
      json: { ok: false, error: 'ratelimited' },
    };
  }
  if ('error' in mode) return slackError(mode.error);
  return { status: mode.status, text: 'Internal Server Error' };
}

/** Text, blocks and metadata checked the way Slack checks them, or the `{ ok: false }` Slack would send. */
function validateContent(body: Body):
  | {
      text: string | undefined;
      blocks: Record<string, unknown>[] | undefined;
      metadata: MessageMetadata | undefined;
    }
  | Reply {
  const text = typeof body.text === 'string' && body.text !== '' ? body.text : undefined;
  const blocks = body.blocks;
  if (text === undefined && blocks === undefined) return slackError('no_text');
  if (text !== undefined && text.length > MAX_TEXT) return slackError('msg_too_long');
  if (blocks !== undefined && !validBlocks(blocks, MAX_MESSAGE_BLOCKS)) return slackError('invalid_blocks');
  const metadata = body.metadata;
  if (
    metadata !== undefined &&
    (!isRecord(metadata) || typeof metadata.event_type !== 'string' || !isRecord(metadata.event_payload))
  ) {
    return slackError('invalid_metadata');
  }
  return {
    text,
    blocks: blocks as Record<string, unknown>[] | undefined,
    metadata: metadata as MessageMetadata | undefined,
  };
}

function validBlocks(blocks: unknown, max: number): blocks is Record<string, unknown>[] {
  return (
    Array.isArray(blocks) &&
    blocks.length <= max &&
    blocks.every((block) => isRecord(block) && typeof block.type === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(body: Body, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Form fields arrive as strings ("10"), JSON bodies as numbers. */
function numberField(body: Body, key: string): number | undefined {
  const value = body[key];
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? match[1] : undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * WebClient sends `application/x-www-form-urlencoded` with objects JSON-stringified inside fields;
 * hand-written callers (and Bolt's respond()) send JSON. Query parameters count too, as in Slack.
 * Undefined means the JSON body did not parse.
 */
function parseBody(raw: string, contentType: string | undefined, query: URLSearchParams): Body | undefined {
  const body: Body = Object.fromEntries(query);
  if (contentType?.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = raw === '' ? {} : JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!isRecord(parsed)) return undefined;
    Object.assign(body, parsed);
  } else {
    for (const [key, value] of new URLSearchParams(raw)) body[key] = value;
  }
  for (const key of JSON_FIELDS) {
    const value = body[key];
    if (typeof value !== 'string') continue;
    try {
      body[key] = JSON.parse(value);
    } catch {
      // Left as the raw string, which validation then rejects as Slack would.
    }
  }
  return body;
}
