/** A label value taken from a caller must not grow the series without bound. */
const namePattern = /^[A-Za-z_]\w{0,63}$/;

/**
 * Caps a label fed by callers (a GraphQL operation's name): a name of the GraphQL name grammar, up
 * to 64 characters, among the first `limit` distinct ones seen by this process; any other is
 * `other`, and none at all is `anonymous`.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = 200) {}

  labelFor(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!namePattern.test(name)) return 'other';
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(name);
    return name;
  }
}
