import type { PrismaClient } from '../../db/open-database.ts';
import { policySetSchema } from '../policy-schema.ts';
import type { PolicySet } from './policy-store.ts';

/** One stored version of the policy set (version 0: the empty set before any); null if there is none. */
export async function policySetAt(prisma: PrismaClient, version: number): Promise<PolicySet | null> {
  if (version === 0) return { version: 0, policies: [] };
  const stored = await prisma.policySetVersion.findUnique({ where: { version } });
  return stored ? { version, policies: policySetSchema.parse(stored.policies) } : null;
}
