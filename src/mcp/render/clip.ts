/**
 * How long one free text may be in an answer of `budget` tokens. Budget-relative, so that the
 * fixed part of any answer plus one item always fits, even at the smallest budget (1,000 tokens):
 * then a cursor always moves on. `long` is for the one main text of an object (a description, a
 * row filter), `short` for each item of a list.
 */
export function textLimits(budget: number): { long: number; short: number } {
  return { long: Math.min(2_000, Math.floor(budget / 4)), short: Math.min(200, Math.floor(budget / 10)) };
}

/** A text cut to fit: what is left of it, and how many characters were cut (0: whole). */
export interface Clipped {
  text: string;
  cut: number;
}

const ellipsis = '…';

/** Cost of a text as the budget counts it: its length as a JSON string (escapes included). */
const jsonLength = (text: string) => JSON.stringify(text).length - 2;

/** `text` cut to at most `max` characters as JSON counts them, ending in an ellipsis when cut. */
export function clip(text: string, max: number): Clipped {
  if (jsonLength(text) <= max) return { text, cut: 0 };
  let keep = 0;
  let tooMany = Math.min(text.length, max);
  while (tooMany - keep > 1) {
    const middle = Math.floor((keep + tooMany) / 2);
    if (jsonLength(text.slice(0, middle)) + ellipsis.length <= max) keep = middle;
    else tooMany = middle;
  }
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text.charAt(keep - 1))) keep -= 1;
  return { text: text.slice(0, keep) + ellipsis, cut: text.length - keep };
}

/** A nullable text clipped; `cuts` collects what was cut, by field name, for the answer's `trimmed`. */
export function clipField(
  text: string | null,
  max: number,
  field: string,
  cuts: Map<string, number>,
): string | null {
  if (text === null) return null;
  const clipped = clip(text, max);
  if (clipped.cut > 0) cuts.set(field, (cuts.get(field) ?? 0) + clipped.cut);
  return clipped.text;
}

/** The first `max` items of a short list (tags, stewards); `cuts` counts the rest. */
export function clipList(items: readonly string[], max: number, field: string, cuts: Map<string, number>) {
  if (items.length > max) cuts.set(field, (cuts.get(field) ?? 0) + items.length - max);
  return items.slice(0, max).map((item) => clip(item, 100).text);
}

/** The cuts of the items an answer shows, together. */
export function mergeCuts(...all: ReadonlyMap<string, number>[]): Map<string, number> {
  const merged = new Map<string, number>();
  for (const cuts of all) for (const [field, cut] of cuts) merged.set(field, (merged.get(field) ?? 0) + cut);
  return merged;
}

/** A text on one line (list items are one line each). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
