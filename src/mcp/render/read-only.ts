import type { ToolAnnotations } from '@modelcontextprotocol/server';

/** Reads of the caller's own slice: nothing changes, a repeat answers alike, no world outside aperture. */
export const readOnlyAnnotations: ToolAnnotations = {
  readOnlyHint: true,
  idempotentHint: true,
  destructiveHint: false,
  openWorldHint: false,
};
