/** RFC 8693 token type identifiers and the token-exchange grant type. */
export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const jwtTokenType = 'urn:ietf:params:oauth:token-type:jwt';
export const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

/** Larger bearer tokens are refused before any parsing or signature work. */
export const maxTokenLength = 8_192;
