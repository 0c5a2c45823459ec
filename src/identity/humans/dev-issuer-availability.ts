/**
 * Whether the development issuer (`aperture dev-token`) runs, and if not, the sentence that names
 * the setting that turned it off. It signs tokens for anyone, so it runs only in development
 * (NODE_ENV=development, the default): on the embedded database unless APERTURE_DEV_ISSUER=false,
 * on PostgreSQL only with APERTURE_DEV_ISSUER=true. Pure, and free of imports: config loading uses it.
 */
export function devIssuerAvailability(settings: {
  nodeEnv: string;
  embedded: boolean;
  /** APERTURE_DEV_ISSUER; undefined when unset. */
  devIssuer: boolean | undefined;
}): { on: true } | { on: false; off: string } {
  const { nodeEnv, embedded, devIssuer } = settings;
  if (nodeEnv !== 'development') {
    return {
      on: false,
      off: `the development issuer is off with NODE_ENV=${nodeEnv}: it only runs in development (NODE_ENV=development, the default)`,
    };
  }
  if (devIssuer === false) {
    return {
      on: false,
      off: 'the development issuer is off: APERTURE_DEV_ISSUER=false (set it to true, development only)',
    };
  }
  if (devIssuer === undefined && !embedded) {
    return {
      on: false,
      off: 'the development issuer is off on PostgreSQL: set APERTURE_DEV_ISSUER=true (development only)',
    };
  }
  return { on: true };
}
