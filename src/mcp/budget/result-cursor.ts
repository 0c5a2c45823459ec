import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApertureError } from '../../shared/errors.ts';

/**
 * Opaque cursors for the next part of a trimmed answer. A cursor holds where to go on and a
 * fingerprint of the call it continues (tool, arguments, caller); it is checked on every use, so a
 * cursor from another call or another caller is refused rather than misread. It carries no data:
 * the next page is decided afresh for the caller.
 */
const cursorSchema = z.object({ f: z.string(), o: z.number().int().min(0) });

export interface CursorScope {
  tool: string;
  /** The arguments that shape the list (not the cursor itself). */
  args: unknown;
  /** Human, agent chain and intent: a cursor is the caller's own. */
  caller: string;
}

function fingerprint(scope: CursorScope): string {
  return createHash('sha256')
    .update(JSON.stringify([scope.tool, scope.args, scope.caller]))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeCursor(scope: CursorScope, offset: number): string {
  return Buffer.from(JSON.stringify({ f: fingerprint(scope), o: offset })).toString('base64url');
}

/** The offset a cursor resumes at (0 without one); INVALID_INPUT for a cursor of another call. */
export function decodeCursor(scope: CursorScope, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let parsed: z.infer<typeof cursorSchema> | undefined;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.f !== fingerprint(scope)) {
    throw new ApertureError(
      'INVALID_INPUT',
      'the cursor does not belong to this call: repeat the call with the same arguments and the cursor it returned',
    );
  }
  return parsed.o;
}
