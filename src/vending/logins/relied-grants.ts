import type { AgentViewer } from '../../identity/viewer.ts';
import type { GrantSource } from '../../policy/slice/grant-source.ts';

/** The grants among `ids` in force for this delegation, with their expiry. */
export async function reliedGrants(
  grants: GrantSource,
  viewer: AgentViewer,
  ids: readonly string[],
  now: Date,
): Promise<{ id: string; expiresAt: Date }[]> {
  if (ids.length === 0) return [];
  const wanted = new Set(ids);
  const inForce = await grants.for(
    {
      humanId: viewer.human.id,
      chain: viewer.chain.map((hop) => hop.id),
      intent: viewer.intent,
      taskId: viewer.taskId,
    },
    now,
  );
  return inForce.flatMap((grant) =>
    // A grant with no known end does not shorten the login (the grant store always tells one).
    wanted.has(grant.id) && grant.expiresAt ? [{ id: grant.id, expiresAt: grant.expiresAt }] : [],
  );
}
