/** What a `security.not-me` event's payload says, read defensively (the payload is JSON the console does not type). */
export interface NotMeFacts {
  paths: string[];
  tier: string | null;
  taskId: string | null;
  justification: string | null;
  /** Governance's setting took the delegation back at once. */
  delegationRevoked: boolean;
}

export function notMeFacts(payload: unknown): NotMeFacts {
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    paths: Array.isArray(record.paths)
      ? record.paths.filter((path): path is string => typeof path === 'string')
      : [],
    tier: text(record.tier),
    taskId: text(record.taskId),
    justification: text(record.justification),
    delegationRevoked: record.revokeDelegation === true,
  };
}
