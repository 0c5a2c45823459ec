import { z } from 'zod';

/**
 * Globs over dotted catalog paths: `*` is one segment (or part of one), `**` any number of
 * segments. `analytics.sales.*` matches the datasets of a schema, `raw.**` everything in a source,
 * `*.*.orders.email` a column in any source and schema.
 */
export function compilePathGlob(glob: string): RegExp {
  const segments = glob.split('.');
  let pattern = '';
  segments.forEach((segment, index) => {
    const first = index === 0;
    const last = index === segments.length - 1;
    if (segment === '**') {
      // At the end: one or more segments; elsewhere: zero or more, then the next segment.
      if (last) pattern += first ? '[^.]+(?:\\.[^.]+)*' : '(?:\\.[^.]+)+';
      else pattern += first ? '(?:[^.]+\\.)*' : '(?:\\.[^.]+)*\\.';
      return;
    }
    const part = segment
      .split('*')
      .map((literal) => literal.replace(/[\\^$+?()[\]{}|/.]/g, '\\$&'))
      .join('[^.]*');
    pattern += (first || segments[index - 1] === '**' ? '' : '\\.') + part;
  });
  return new RegExp(`^${pattern}$`);
}

/** Why a glob is not usable, or null. */
export function globProblem(glob: string): string | null {
  if (glob.trim() !== glob || glob === '') return 'must not be empty or padded';
  if (/[^\w*.\-$]/.test(glob)) return 'may hold letters, digits, _ - $ . and * only';
  if (glob.split('.').some((segment) => segment === '')) return 'has an empty segment';
  if (glob.split('.').some((segment) => segment.includes('**') && segment !== '**'))
    return '** must be a whole segment';
  return null;
}

/** A path glob, validated the one way (policies and agent ceilings). */
export const pathGlob = z.string().superRefine((glob, context) => {
  const problem = globProblem(glob);
  if (problem) context.addIssue({ code: 'custom', message: `glob ${JSON.stringify(glob)} ${problem}` });
});
