import { randomUUID } from 'node:crypto';
import type { AccessRequest, Prisma, StandingConsent } from '../../../generated/prisma/client.ts';
import { type AuditEventInput, appendAuditEvents } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { type ConsentShape, consentCovers } from './consent-covers.ts';
import { standingConsentDays, taskConsentHours } from './consent-input.ts';
import { type ConsentEndReason, consentEndReasons } from './consent-lapse.ts';

/**
 * The standing consent that stands in for the person's confirmation of this request, used once
 * more (counted, its last use noted, audited by the caller); null when none covers it. One whose
 * intent changed since it was given is ended on the way (the other lapses end it elsewhere: the
 * agent's stop, the person's attributes).
 */
export async function useStandingConsent(
  tx: Prisma.TransactionClient,
  shape: ConsentShape,
  now: Date,
): Promise<StandingConsent | null> {
  const candidates = await tx.standingConsent.findMany({
    where: {
      humanId: shape.humanId,
      intent: shape.intent,
      askedBy: shape.askedBy,
      chain: { equals: [...shape.chain] },
      endedAt: null,
      expiresAt: { gt: now },
    },
    // A task's own consent first, then the newest.
    orderBy: [{ scope: 'asc' }, { createdAt: 'desc' }],
  });
  const covering = candidates.filter((consent) => consentCovers(consent, shape, now));
  if (covering.length === 0) return null;
  const intent = await tx.intent.findUnique({ where: { name: shape.intent }, select: { updatedAt: true } });
  for (const consent of covering) {
    if (!intent || intent.updatedAt > consent.createdAt) {
      await endStandingConsents(tx, [consent], 'intent-changed', now);
      continue;
    }
    const { count } = await tx.standingConsent.updateMany({
      where: { id: consent.id, endedAt: null },
      data: { uses: { increment: 1 }, lastUsedAt: now },
    });
    if (count === 1) return { ...consent, uses: consent.uses + 1, lastUsedAt: now };
  }
  return null;
}

/** The standing consent a person's TASK or ALWAYS answer makes, from the request they confirmed. */
export function newStandingConsent(
  request: AccessRequest,
  answer: 'TASK' | 'ALWAYS',
  options: { askedBy: string; days: number | undefined; channel: string | null; now: Date },
): StandingConsent {
  const { now } = options;
  const lasts =
    answer === 'TASK'
      ? taskConsentHours * 3_600_000
      : (options.days ?? standingConsentDays.default) * 86_400_000;
  return {
    id: randomUUID(),
    humanId: request.humanId,
    scope: answer === 'TASK' ? 'TASK' : 'AGENT',
    agentId: request.agentId,
    chain: request.chain,
    intent: request.intent,
    taskId: answer === 'TASK' ? request.taskId : null,
    paths: request.paths,
    tier: request.tier,
    grantScope: request.scope,
    maxSeconds: request.requestedDurationSeconds,
    askedBy: options.askedBy,
    requestId: request.id,
    channel: options.channel,
    createdAt: now,
    expiresAt: new Date(now.getTime() + lasts),
    lastUsedAt: null,
    uses: 0,
    endedAt: null,
    endReason: null,
  };
}

/**
 * Ends these standing consents (each once: a conditional update), audited, announced to every
 * replica. Returns those it ended.
 */
export async function endStandingConsents(
  tx: Prisma.TransactionClient,
  consents: readonly StandingConsent[],
  reason: ConsentEndReason,
  now: Date,
  actor?: AuditEventInput['actor'],
): Promise<StandingConsent[]> {
  const ended: StandingConsent[] = [];
  for (const consent of consents) {
    const { count } = await tx.standingConsent.updateMany({
      where: { id: consent.id, endedAt: null },
      data: { endedAt: now, endReason: reason },
    });
    if (count === 1) ended.push({ ...consent, endedAt: now, endReason: reason });
  }
  if (ended.length === 0) return ended;
  await appendAuditEvents(
    tx,
    ended.map((consent) => ({
      type: reason === 'revoked' ? 'consent.revoked' : 'consent.ended',
      actor: actor ?? { humanId: consent.humanId, agentChain: consent.chain },
      intent: consent.intent,
      subject: { kind: 'standing-consent', id: consent.id },
      payload: { reason, because: consentEndReasons[reason], scope: consent.scope, uses: consent.uses },
    })),
  );
  await notifyChange(tx, 'consents');
  return ended;
}

/** A stopped agent's standing consents end with it (in the stop's transaction). */
export async function endConsentsOfAgent(tx: Prisma.TransactionClient, agentId: string): Promise<number> {
  const consents = await tx.standingConsent.findMany({ where: { endedAt: null, chain: { has: agentId } } });
  return (await endStandingConsents(tx, consents, 'agent-stopped', new Date())).length;
}

/** A person's standing consents in force, newest first. */
export function standingConsentsOf(
  prisma: PrismaClient,
  humanId: string,
  now: Date,
): Promise<StandingConsent[]> {
  return prisma.standingConsent.findMany({
    where: { humanId, endedAt: null, expiresAt: { gt: now } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}
