/** One decision the miner shows as an example (from a suggestion's `evidence` JSON). */
export interface DecisionExample {
  id: string;
  outcome: string;
  decidedAt: string | null;
  approver: string | null;
}

/** The agreeing and disagreeing examples of a suggestion's evidence; whatever is malformed is left out. */
export function evidenceExamples(evidence: unknown): {
  agreeing: DecisionExample[];
  disagreeing: DecisionExample[];
} {
  const examples = (evidence as { examples?: { agreeing?: unknown; disagreeing?: unknown } } | null)
    ?.examples;
  return { agreeing: examplesOf(examples?.agreeing), disagreeing: examplesOf(examples?.disagreeing) };
}

function examplesOf(list: unknown): DecisionExample[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { id, outcome, decidedAt, approver } = item as Record<string, unknown>;
    if (typeof id !== 'string' && typeof id !== 'number') return [];
    return [
      {
        id: String(id),
        outcome: typeof outcome === 'string' ? outcome : 'unknown',
        decidedAt: typeof decidedAt === 'string' ? decidedAt : null,
        approver: typeof approver === 'string' ? approver : null,
      },
    ];
  });
}
