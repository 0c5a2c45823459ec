/**
 * Remembers tokens whose signature and claims were already verified, until they expire, so a
 * token used on many calls pays the signature check once. Only the cryptographic part is cached:
 * the state checks (revocation, agent status, intent, human) still run on every call.
 */
export class VerifiedTokenCache<Claims extends { exp: number }> {
  private readonly entries = new Map<string, Claims>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string): Claims | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (claims.exp * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  set(token: string, claims: Claims): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest tenth.
      let drop = Math.ceil(this.maxEntries / 10);
      for (const key of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(key);
      }
    }
    this.entries.set(token, claims);
  }

  /** After a signing key is retired, earlier verifications no longer stand. */
  clear(): void {
    this.entries.clear();
  }
}
