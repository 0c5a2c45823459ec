import { z } from 'zod';
import { InvalidInputError } from '../../shared/errors.ts';

/** One end of an export: a log index, or a time (compared with `occurredAt`). */
export type ExportBound = { kind: 'index'; index: bigint } | { kind: 'time'; time: Date };

/** `since` is inclusive, `until` exclusive: the next export starts where the last one stopped. */
export interface ExportRange {
  since: ExportBound;
  until?: ExportBound;
}

const indexPattern = /^(0|[1-9]\d{0,18})$/;
const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

function parseBound(option: string, given: string): ExportBound {
  const text = given.trim();
  if (indexPattern.test(text) && BigInt(text) < 2n ** 63n) return { kind: 'index', index: BigInt(text) };
  if (isoTime.safeParse(text).success) {
    // A date alone is midnight UTC; a time without an offset is refused (whose midnight?).
    const time = new Date(text);
    if (!Number.isNaN(time.getTime())) return { kind: 'time', time };
  }
  throw new InvalidInputError('export', [
    {
      location: option,
      message: `"${given}" is neither a log index (0, 1, 2, ...) nor an ISO 8601 time with an offset (2026-12-01T00:00:00Z) or a date (2026-12-01)`,
    },
  ]);
}

/** Reads `--since` and `--until` as the CLI hands them over. */
export function parseExportRange(since: string | undefined, until: string | undefined): ExportRange {
  if (since === undefined) {
    throw new InvalidInputError('export', [
      { location: '--since', message: 'is required: a log index (0 for the whole log) or an ISO 8601 time' },
    ]);
  }
  const range: ExportRange = { since: parseBound('--since', since) };
  if (until !== undefined) range.until = parseBound('--until', until);
  return range;
}
