/** A share as a percentage with the decimals small values need: 0.0042 → "0.42%", 0.231 → "23.1%", 0.01 → "1%". */
export function formatShare(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 2 : 1).replace(/\.?0+$/, '')}%`;
}
