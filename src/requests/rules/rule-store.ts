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
import { type Rule, ruleSetSchema } from './rule-schema.ts';

export interface RuleSet {
  /** 0 before any rule was applied (every request is then routed to the owners). */
  version: number;
  rules: Rule[];
}

export async function currentRuleSet(prisma: PrismaClient | Prisma.TransactionClient): Promise<RuleSet> {
  const latest = await prisma.ruleSetVersion.findFirst({ orderBy: { version: 'desc' } });
  if (!latest) return { version: 0, rules: [] };
  return { version: latest.version, rules: ruleSetSchema.parse(latest.rules) };
}

/** A rule list as a caller writes it, before defaults. */
export type RuleSetInput = z.input<typeof ruleSetSchema>;

/** Validates a whole rule list; problems name the rule (by position and id) and the field. */
export function validateRuleSet(input: RuleSetInput, inputName: string): Rule[] {
  return parseRuleSet(input, inputName);
}

/** The same validation for data nobody has typed yet: a file, a GraphQL JSON argument. */
export function parseRuleSet(input: unknown, inputName: string): Rule[] {
  return validateSet(ruleSetSchema, input, inputName, 'rules');
}

/** Reads a YAML (or JSON) rule file: a list of rules, or `{ rules: [...] }`. */
export async function readRuleFile(file: string): Promise<Rule[]> {
  return parseRuleSet(await readSetFile(file, 'rules'), file);
}

/** Rules are stored as their input shape, so that a stored version re-validates to the same rules. */
export const ruleTable: VersionedSetTable<Rule> = {
  lockName: advisoryLocks.rules,
  auditType: 'rules.applied',
  subjectKind: 'rule-set',
  isPolicyVersion: false,
  topic: 'rules',
  async current(tx) {
    const set = await currentRuleSet(tx);
    return { version: set.version, items: set.rules };
  },
  insert: (tx, { items, ...row }) => tx.ruleSetVersion.create({ data: { ...row, rules: items } }),
};

/** Makes `rules` the ordered rule list, as a new version, unless nothing changed or `dryRun`. */
export function applyRuleSet(
  prisma: PrismaClient,
  rules: Rule[],
  options: { actor?: AuditActor | undefined; dryRun?: boolean | undefined; source: string },
): Promise<ApplyResult> {
  return applyVersionedSet(prisma, ruleTable, rules, options);
}
