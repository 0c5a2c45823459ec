import type { Prisma } from '../../../generated/prisma/client.ts';
import { type AuditActor, appendAuditEvent } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { toJson } from '../../shared/json.ts';
import { type Policy, policySetSchema } from '../policy-schema.ts';
import { diffPolicies, isEmptyDiff, type PolicyDiff } from './diff-policies.ts';

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

/** Validates a whole policy set; problems name the policy (by position and id) and the field. */
export function validatePolicySet(input: unknown, inputName: string): Policy[] {
  const parsed = policySetSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const idAt = (index: unknown) =>
    Array.isArray(input) && typeof index === 'number'
      ? (input[index] as { id?: unknown } | undefined)?.id
      : undefined;
  throw new InvalidInputError(
    inputName,
    parsed.error.issues.map((issue) => {
      const [index, ...field] = issue.path;
      const id = idAt(index);
      const where =
        typeof index === 'number'
          ? `policies[${index}]${typeof id === 'string' ? ` (${id})` : ''}`
          : 'policies';
      return { location: [where, ...field.map(String)].join('.'), message: issue.message };
    }),
  );
}

export interface ApplyResult {
  diff: PolicyDiff;
  /** The version now in force (unchanged when nothing changed or on a dry run). */
  version: number;
  applied: boolean;
}

/**
 * Makes `policies` the policy set, as a new version, unless nothing changed or `dryRun`. Versions
 * are serialized across replicas; the change is audited and every replica recompiles.
 */
export async function applyPolicySet(
  prisma: PrismaClient,
  policies: Policy[],
  options: { actor?: AuditActor; dryRun?: boolean; source: string },
): Promise<ApplyResult> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('aperture-policies'))`;
    const current = await currentPolicySet(tx);
    const diff = diffPolicies(current.policies, policies);
    if (options.dryRun || isEmptyDiff(diff)) return { diff, version: current.version, applied: false };
    const version = current.version + 1;
    await tx.policySetVersion.create({
      data: {
        version,
        policies: toJson(policies) as Prisma.InputJsonValue,
        summary: toJson(diff) as Prisma.InputJsonValue,
        createdBy: options.actor?.humanId ?? null,
      },
    });
    await appendAuditEvent(tx, {
      type: 'policies.applied',
      actor: options.actor,
      subject: { kind: 'policy-set', id: String(version) },
      policyVersion: version,
      payload: { source: options.source, ...diff },
    });
    await notifyChange(tx, 'policies');
    return { diff, version, applied: true };
  });
}
