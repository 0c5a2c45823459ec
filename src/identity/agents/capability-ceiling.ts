import { z } from 'zod';
import { Tier } from '../../../generated/prisma/enums.ts';
import { pathGlob } from '../../catalog/path-glob.ts';
import { Sensitivity } from '../../catalog/sensitivity.ts';

/**
 * The most an agent may ever see, whatever its human may: a tier, a sensitivity, tags and paths.
 * Along a delegation chain the effective ceiling is the intersection of every hop's ceiling.
 */
export const capabilityCeilingSchema = z
  .object({
    maxTier: z.enum(Tier).default(Tier.READ),
    maxSensitivity: z.enum(Sensitivity).default(Sensitivity.INTERNAL),
    /** Objects must carry at least one of these tags (empty: no requirement). */
    requiredTags: z.array(z.string().trim().min(1)).default([]),
    /** Objects carrying any of these tags are beyond the ceiling. */
    excludedTags: z.array(z.string().trim().min(1)).default([]),
    /** Path globs (`analytics.sales.*`, `raw.**`); empty: every path. */
    paths: z.array(z.string().trim().min(1).max(500)).default([]),
  })
  .strict();

export type CapabilityCeiling = z.infer<typeof capabilityCeilingSchema>;

/**
 * A ceiling as governance gives it: its path globs are validated as policies' are (same rules, same
 * messages), since a glob the matcher cannot use would silently match nothing. Stored ceilings are
 * read with the lenient schema above, so one written before this check cannot lock every token out.
 */
export const capabilityCeilingInputSchema = capabilityCeilingSchema.extend({
  paths: z.array(pathGlob.max(500)).max(200).default([]),
});
