import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AgentViewer } from '../../identity/viewer.ts';
import { ApertureError } from '../../shared/errors.ts';

/**
 * Opaque cursors for the next part of a trimmed answer. A cursor holds where to go on and a
 * fingerprint of the call it continues (tool, arguments, caller); it is checked on every use, so a
 * cursor from another call or another caller is refused rather than misread. It carries no data:
 * the next page is decided afresh for the caller.
 */
const cursorSchema = z.object({ f: z.string(), o: z.number().int().min(0), k: z.string().optional() });

/** Where a cursor resumes: how many items came before, and the last one's key for keyed lists. */
export interface CursorPosition {
  offset: number;
  /** For lists paged by key (e.g. metric names): the last item shown. */
  after?: string | undefined;
}

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

export function encodeCursor(scope: CursorScope, offset: number, after?: string): string {
  const body = { f: fingerprint(scope), o: offset, ...(after === undefined ? {} : { k: after }) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** A cursor's caller: the human, the agent chain, the intent and the task it was handed to. */
export function cursorCaller(viewer: AgentViewer): string {
  return JSON.stringify([
    viewer.human.id,
    viewer.chain.map((agent) => agent.id),
    viewer.intent,
    viewer.taskId,
  ]);
}

/** The offset a cursor resumes at (0 without one); INVALID_INPUT for a cursor of another call. */
export function decodeCursor(scope: CursorScope, cursor: string | undefined): number {
  return decodeCursorPosition(scope, cursor).offset;
}

/** Where a cursor resumes (the start without one); INVALID_INPUT for a cursor of another call. */
export function decodeCursorPosition(scope: CursorScope, cursor: string | undefined): CursorPosition {
  if (cursor === undefined) return { offset: 0 };
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
  return { offset: parsed.o, after: parsed.k };
}
