/** The longest short description of a glossary term, in characters. */
export const maxSummaryLength = 160;

/**
 * A glossary term's short description, what DISCOVER shows of it: the first sentence of its
 * definition, cut at a word boundary when longer than `maxSummaryLength`. The rest of the
 * definition (how it is computed, what it reads, its exceptions) needs READ.
 */
export function glossarySummary(definition: string): string {
  const text = definition.replace(/\s+/g, ' ').trim();
  // A sentence ends at `.`, `!` or `?` followed by white space or the end of the text.
  const end = /[.!?](?=\s|$)/.exec(text);
  const sentence = end ? text.slice(0, end.index + 1) : text;
  if (sentence.length <= maxSummaryLength) return sentence;
  const cut = sentence.slice(0, maxSummaryLength - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxSummaryLength / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:]+$/, '')}…`;
}
