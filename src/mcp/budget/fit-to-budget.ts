import { estimateTokens } from './estimate-tokens.ts';

/** A tool's answer: structured content, and the compact text an agent reads. */
export interface ToolAnswer<T> {
  structured: T;
  text: string;
}

/** What an answer costs the agent's context: its structured content and its text together. */
export function answerTokens(answer: ToolAnswer<unknown>): number {
  return estimateTokens(JSON.stringify(answer.structured)) + estimateTokens(answer.text);
}

/**
 * The longest prefix of `items` whose answer fits `budget` tokens (at least none: `render([])`
 * must fit on its own). `render(shown, left)` builds the answer for the first `shown.length`
 * items, with `left` items trimmed. Binary search: answers grow with their items.
 */
export function fitItems<I, T>(
  items: readonly I[],
  budget: number,
  render: (shown: readonly I[], left: number) => ToolAnswer<T>,
): { answer: ToolAnswer<T>; shown: number } {
  const full = render(items, 0);
  if (answerTokens(full) <= budget) return { answer: full, shown: items.length };
  let fits = 0;
  let tooMany = items.length;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (answerTokens(render(items.slice(0, middle), items.length - middle)) <= budget) fits = middle;
    else tooMany = middle;
  }
  return { answer: render(items.slice(0, fits), items.length - fits), shown: fits };
}

/**
 * Like fitItems, for answers with a header that may crowd out the list: tries each way to render
 * in turn (the richest first) until one shows at least one item, so that a cursor always moves
 * on. The last way should be lean enough for any single item.
 */
export function fitSomeItems<I, T>(
  items: readonly I[],
  budget: number,
  renders: readonly ((shown: readonly I[], left: number) => ToolAnswer<T>)[],
): { answer: ToolAnswer<T>; shown: number } {
  let fitted: { answer: ToolAnswer<T>; shown: number } | undefined;
  for (const render of renders) {
    fitted = fitItems(items, budget, render);
    if (fitted.shown > 0 || items.length === 0) return fitted;
  }
  if (!fitted) throw new Error('fitSomeItems needs at least one way to render');
  return fitted;
}
