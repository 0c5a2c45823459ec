import * as oidc from 'openid-client';
import type { PersonKey } from '../../identity/state/identity-state.ts';
import type { ConsoleOidcConfig } from '../console-config.ts';

/**
 * What the browser keeps between leaving for the provider and coming back (in a short-lived
 * httpOnly cookie bound to it): the PKCE verifier, the state and nonce, and where to go after.
 */
export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
}

/** A sign-in the provider or the answer refused: `code` goes to the page, never a library's message. */
export class SignInRefused extends Error {
  constructor(
    readonly code:
      | 'provider_error'
      | 'invalid_response'
      | 'no_identity_claim'
      | 'unverified_email'
      | 'email_domain_refused',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SignInRefused';
  }
}

/**
 * OpenID Connect sign-in for the console: authorization code with PKCE (S256), state and nonce,
 * through `openid-client`. The provider's metadata is discovered at the first sign-in (a provider
 * down at start does not stop the service) and kept; a failed discovery is tried again next time.
 */
export class OidcSignIn {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly config: ConsoleOidcConfig) {}

  get issuer(): string {
    return this.config.issuer;
  }

  /** Where to send the browser, and what it must keep until it comes back. */
  async start(redirectUrl: string, returnTo: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.discover();
    const pending = {
      state: oidc.randomState(),
      verifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      returnTo,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUrl,
      scope: this.config.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Checks the provider's answer against what this browser kept (state, PKCE verifier, nonce),
   * redeems the code and names the person the ID token identifies. `callbackUrl` is the redirect
   * URL with the query the browser came back with.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<PersonKey> {
    const configuration = await this.discover();
    let claims: Record<string, unknown> & { sub: string };
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new SignInRefused('invalid_response', 'the provider sent no ID token');
      claims = idToken;
      // Conforming providers put scope claims (email) in the userinfo answer, not the ID token
      // of a code flow; userinfo is checked to be about the ID token's subject.
      if (this.config.claim === 'email' && claims.email === undefined) {
        const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
        claims = { ...userInfo, ...idToken };
      }
    } catch (error) {
      if (error instanceof SignInRefused) throw error;
      if (error instanceof oidc.AuthorizationResponseError) {
        throw new SignInRefused('provider_error', `the provider refused: ${error.error}`, { cause: error });
      }
      throw new SignInRefused('invalid_response', "the provider's answer did not check out", {
        cause: error,
      });
    }
    return this.personKey(claims);
  }

  private personKey(claims: Record<string, unknown> & { sub: string }): PersonKey {
    if (this.config.claim === 'sub') return { subject: claims.sub };
    const email = claims.email;
    if (typeof email !== 'string' || email === '') {
      throw new SignInRefused('no_identity_claim', 'the ID token has no email claim');
    }
    // An address the provider says it has not verified could be anyone's.
    if (claims.email_verified === false) {
      throw new SignInRefused('unverified_email', 'the provider has not verified the email address');
    }
    const domain = email.toLowerCase().split('@').pop() ?? '';
    const allowed = this.config.allowedEmailDomains;
    if (allowed && !allowed.includes(domain)) {
      throw new SignInRefused(
        'email_domain_refused',
        `the provider may not vouch for addresses at ${domain}`,
      );
    }
    return { email };
  }

  private discover(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret } = this.config;
      const url = new URL(issuer);
      this.configuration = oidc.discovery(
        url,
        clientId,
        undefined,
        clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
        // Plain http is only allowed on loopback (see console-config.ts).
        url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
      );
      this.configuration.catch(() => {
        this.configuration = undefined;
      });
    }
    return this.configuration;
  }
}
