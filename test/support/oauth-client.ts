import { jwtTokenType, tokenExchangeGrantType } from '../../src/identity/tokens/token-types.ts';

export interface ExchangeResult {
  status: number;
  body: {
    access_token?: string;
    expires_in?: number;
    issued_token_type?: string;
    error?: string;
    error_description?: string;
  };
  headers: Headers;
  ms: number;
}

/** POSTs an RFC 8693 token exchange to /oauth/token, authenticating with HTTP Basic by default. */
export async function exchangeToken(
  baseUrl: string,
  client: { clientId: string; clientSecret: string } | null,
  params: Record<string, string>,
  options: { clientAuth?: 'basic' | 'post' } = {},
): Promise<ExchangeResult> {
  const form = new URLSearchParams({
    grant_type: tokenExchangeGrantType,
    subject_token_type: jwtTokenType,
    ...params,
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client && (options.clientAuth ?? 'basic') === 'basic') {
    const encode = (value: string) => encodeURIComponent(value);
    headers.authorization = `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.clientSecret)}`).toString('base64')}`;
  } else if (client) {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  const started = performance.now();
  const response = await fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers, body: form });
  const ms = performance.now() - started;
  return {
    status: response.status,
    body: (await response.json()) as ExchangeResult['body'],
    headers: response.headers,
    ms,
  };
}
