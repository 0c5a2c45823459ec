import type { IdentityProviderConfig } from './humans/identity-provider-config.ts';

/** What the identity room needs from the environment (config/ reads and validates it). */
export interface IdentityConfig {
  /** `iss` of the delegation tokens aperture signs. */
  issuer: string;
  /** `aud` of delegation tokens and of the human tokens aperture accepts from its dev issuer. */
  audience: string;
  tokenTtlSeconds: number;
  maxDelegationDepth: number;
  governanceGroup: string;
  /** Token requests one client address may make per minute (per replica). */
  tokenRequestsPerMinute: number;
  providers: IdentityProviderConfig[];
  /** The development issuer's key file; null when it is off (its tokens are refused then). */
  devIssuerKeyFile: string | null;
  /** Why the development issuer is off, naming the setting (for `dev-token` and refusals); null when on. */
  devIssuerOff: string | null;
}
