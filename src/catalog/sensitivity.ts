import { Sensitivity } from '../../generated/prisma/enums.ts';

export { Sensitivity };

/** Least to most sensitive. */
export const sensitivityOrder: readonly Sensitivity[] = [
  Sensitivity.PUBLIC,
  Sensitivity.INTERNAL,
  Sensitivity.CONFIDENTIAL,
  Sensitivity.RESTRICTED,
];

export const defaultSensitivity: Sensitivity = Sensitivity.INTERNAL;

export function mostSensitive(
  levels: Iterable<Sensitivity>,
  floor: Sensitivity = Sensitivity.PUBLIC,
): Sensitivity {
  let rank = sensitivityOrder.indexOf(floor);
  for (const level of levels) rank = Math.max(rank, sensitivityOrder.indexOf(level));
  return sensitivityOrder[rank] ?? floor;
}

/** Parses `public`, `Confidential`, `PII`-free spellings; undefined when not a sensitivity. */
export function parseSensitivity(value: unknown): Sensitivity | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return sensitivityOrder.find((level) => level === upper);
}

export function leastSensitive(levels: Iterable<Sensitivity>): Sensitivity {
  let rank = sensitivityOrder.length - 1;
  for (const level of levels) rank = Math.min(rank, sensitivityOrder.indexOf(level));
  return sensitivityOrder[rank]!;
}
