import { z } from 'zod';

/** One thing an answer left out to fit the budget, and how to get it. */
export const trimmedSchema = z
  .array(
    z.object({
      what: z
        .string()
        .describe(
          'What was left out: a list (`columns`, `results`, `metrics`, ...) or a text field (`description`, ...).',
        ),
      left: z.number().int().describe('How many items were left out; for a text field, how many characters.'),
      unit: z.enum(['items', 'characters']),
      cursor: z
        .string()
        .nullable()
        .describe(
          'Pass it back as the argument `next` names to read on; null: there is no more to read here.',
        ),
      next: z.string().describe('How to read on, or why there is nothing more to read.'),
    }),
  )
  .describe('What this answer left out to fit your context window, and how to ask for it. Empty: nothing.');

export type Trimmed = z.infer<typeof trimmedSchema>[number];

/** The texts an answer cut, as `trimmed` entries (no other answer holds more of them). */
export function cutTexts(cuts: ReadonlyMap<string, number>): Trimmed[] {
  return [...cuts].map(([what, left]) => ({
    what,
    left,
    unit: 'characters' as const,
    cursor: null,
    next: 'cut to fit the answer budget; the cut is marked …',
  }));
}

/** More items to read with a cursor: "12 more columns; call describe_object with ... <cursor>". */
export function moreItems(what: string, left: number, cursor: string, next: string): Trimmed {
  return { what, left, unit: 'items', cursor, next };
}

/** Items left out with nowhere else to read them (a list no cursor continues). */
export function itemsLeftOut(what: string, left: number, next: string): Trimmed {
  return { what, left, unit: 'items', cursor: null, next };
}

/** The text lines saying what was trimmed (none when nothing was). */
export function trimmedLines(trimmed: readonly Trimmed[]): string[] {
  return trimmed.map((entry) =>
    entry.unit === 'characters'
      ? `Trimmed: ${entry.left} characters of ${entry.what} (${entry.next}).`
      : `Trimmed: ${entry.left} more ${entry.what}; ${entry.next}.`,
  );
}
