/**
 * A conservative estimate of the tokens a text costs an agent's context window: about four
 * characters a token for English and JSON, rounded up. Tokenizers differ; budgets are estimates.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
