/** client_secret_basic (RFC 6749 §2.3.1): the PEP's client id and secret, form-encoded, in HTTP Basic. */
export function basicCredentials(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined | 'malformed' {
  if (!authorization) return undefined;
  if (!/^Basic /i.test(authorization)) return 'malformed';
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return 'malformed';
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(separator + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'malformed';
  }
}
