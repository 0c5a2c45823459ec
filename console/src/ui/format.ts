const counts = new Intl.NumberFormat('en');

/** 0.9731 → "97.3%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value == null || Number.isNaN(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** 12345 → "12,345". */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** "1 person", "3 people": a count and its noun, singular or plural. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
