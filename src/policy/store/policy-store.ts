import type { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { AuditActor } from '../../audit/index.ts';
import { advisoryLocks } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import {
  type ApplyResult,
  applyVersionedSet,
  type VersionedSetTable,
} from '../../versioned-sets/apply-versioned-set.ts';
import { readSetFile } from '../../versioned-sets/read-set-file.ts';
import { validateSet } from '../../versioned-sets/validate-set.ts';
import { type Policy, policySetSchema } from '../policy-schema.ts';

export type { ApplyResult };

export interface PolicySet {
  /** 0 before any policy was applied. */
  version: number;
  policies: Policy[];
}

/** The current version of the policy set. */
export async function currentPolicySet(prisma: PrismaClient | Prisma.TransactionClient): Promise<PolicySet> {
  const latest = await prisma.policySetVersion.findFirst({ orderBy: { version: 'desc' } });
  if (!latest) return { version: 0, policies: [] };
  return { version: latest.version, policies: policySetSchema.parse(latest.policies) };
}

/** A policy set as a caller writes it, before defaults. */
export type PolicySetInput = z.input<typeof policySetSchema>;

/** Validates a whole policy set; problems name the policy (by position and id) and the field. */
export function validatePolicySet(input: PolicySetInput, inputName: string): Policy[] {
  return parsePolicySet(input, inputName);
}

/** The same validation for data nobody has typed yet: a file, a GraphQL JSON argument. */
export function parsePolicySet(input: unknown, inputName: string): Policy[] {
  return validateSet(policySetSchema, input, inputName, 'policies');
}

/** Reads a YAML (or JSON) policy file: a list of policies, or `{ policies: [...] }`. */
export async function readPolicyFile(file: string): Promise<Policy[]> {
  return parsePolicySet(await readSetFile(file, 'policies'), file);
}

const policyTable: VersionedSetTable<Policy> = {
  lockName: advisoryLocks.policies,
  auditType: 'policies.applied',
  subjectKind: 'policy-set',
  isPolicyVersion: true,
  topic: 'policies',
  async current(tx) {
    const set = await currentPolicySet(tx);
    return { version: set.version, items: set.policies };
  },
  insert: (tx, { items, ...row }) => tx.policySetVersion.create({ data: { ...row, policies: items } }),
};

/**
 * Makes `policies` the policy set, as a new version, unless nothing changed or `dryRun`. Versions
 * are serialized across replicas; the change is audited and every replica recompiles.
 */
export function applyPolicySet(
  prisma: PrismaClient,
  policies: Policy[],
  options: { actor?: AuditActor | undefined; dryRun?: boolean | undefined; source: string },
): Promise<ApplyResult> {
  return applyVersionedSet(prisma, policyTable, policies, options);
}
