import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';

/** The stateless revision current clients negotiate (`versionNegotiation`), and the 2025 one they fall back to. */
export const modernRevision = '2026-07-28';
export const legacyRevision = '2025-11-25';

export interface RawToolCall {
  headers: Record<string, string>;
  body: string;
}

const clientInfo = { name: 'aperture-bench', version: '1.0.0' };

/**
 * `tools/call` as one POST, as the SDK's Client sends it once it has negotiated 2026-07-28: no
 * session and no `initialize`; the protocol version, client info and capabilities travel in the
 * request's `_meta` envelope, and the standard headers repeat the revision, the method and the
 * tool's name (SEP-2243; the server checks them against the body). The answer is one JSON body.
 */
export function modernToolCall(name: string, args: Record<string, unknown>, id = 1): RawToolCall {
  return {
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': modernRevision,
      'mcp-method': 'tools/call',
      'mcp-name': name,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name,
        arguments: args,
        _meta: {
          [PROTOCOL_VERSION_META_KEY]: modernRevision,
          [CLIENT_INFO_META_KEY]: clientInfo,
          [CLIENT_CAPABILITIES_META_KEY]: {},
        },
      },
    }),
  };
}

/**
 * The same call from a 2025-era client (the SDK's default without `versionNegotiation`) after its
 * `initialize`: the server serves it statelessly with a fresh instance, and answers over SSE.
 */
export function legacyToolCall(name: string, args: Record<string, unknown>, id = 1): RawToolCall {
  return {
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': legacyRevision,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
  };
}

/** A tool call's answer, from a JSON body or the one `message` event of an SSE body. */
export function parseToolAnswer(text: string): {
  result?: { isError?: boolean; structuredContent?: unknown; content?: unknown[] };
  error?: unknown;
} {
  const data = text.startsWith('{')
    ? text
    : text
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice('data: '.length);
  if (!data) throw new Error(`no JSON-RPC message in ${text.slice(0, 300)}`);
  return JSON.parse(data) as ReturnType<typeof parseToolAnswer>;
}
