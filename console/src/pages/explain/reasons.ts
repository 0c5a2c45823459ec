/** An agent of the chain explained, as the person picked it. */
export interface ChainAgent {
  clientId: string;
  name: string;
}

/** `cappedBy` codes in words: which limit lowered the tier. */
export function capInWords(code: string, chain: readonly ChainAgent[], intent: string | null): string {
  const ceiling = /^ceiling:(\d+)$/.exec(code);
  if (ceiling) {
    const hop = Number(ceiling[1]);
    const agent = chain[hop];
    return `the ceiling of ${agent ? agent.name : `agent ${hop + 1} of the chain`} (what it may ever see)`;
  }
  if (code === 'intent') return `the intent${intent ? ` ${intent}` : ''} allows less`;
  if (code === 'dataset') return "its dataset's tier (a column is never shown above its dataset)";
  if (code === 'dependency:hidden')
    return 'something it is computed from that the person may not discover (not named)';
  if (code.startsWith('dependency:')) {
    return `something it is computed from that the person may discover but not read: ${code.slice('dependency:'.length)}`;
  }
  return code;
}

/** `allowedBy` entries in words: a policy id, or the person's own grant. */
export function allowInWords(code: string): string {
  return code.startsWith('grant:')
    ? `grant ${code.slice('grant:'.length)} (access approved on request)`
    : `policy ${code}`;
}
