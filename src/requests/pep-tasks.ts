import { randomUUID } from 'node:crypto';
import type { AccessRequest, Grant, PepTask, Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { isUuid } from './request-input.ts';
import { isUniqueViolation } from './request-writes.ts';

/** A request filed at the AuthZEN access-request endpoint, with what its PEP may read of it. */
export interface PepTaskView {
  task: PepTask;
  request: AccessRequest;
  grant: Grant | null;
}

/** What a PEP's submission is, before anything is filed. */
export interface PepSubmission {
  pepClientId: string;
  idempotencyKey: string | null;
  bodyHash: string;
  items: Prisma.InputJsonValue | null;
  /** The requestable denials it uses, each of which may file one request. */
  evaluationIds: string[];
}

export type Reservation =
  /** New: file the request, then `bind` it (or `release` the reservation if filing fails). */
  | { kind: 'reserved'; taskId: string }
  /** The same submission under the same Idempotency-Key: answer with its task (filed or not yet). */
  | { kind: 'retry'; task: PepTask }
  /** The same Idempotency-Key with another submission. */
  | { kind: 'key-reused' }
  /** A denial another submission already used. */
  | { kind: 'denial-used'; task: PepTask };

/**
 * Submissions to the AuthZEN access-request endpoint. A submission is reserved before its request
 * is filed, in one transaction with the denials it uses, so that concurrent submissions of one
 * denial (or under one Idempotency-Key) file one request: the others find the first. The task is
 * then bound to the request it filed; only its PEP client reads it.
 */
export class PepTasks {
  constructor(private readonly prisma: PrismaClient) {}

  async reserve(submission: PepSubmission): Promise<Reservation> {
    const earlier = await this.byKey(submission);
    if (earlier) return earlier;
    const taskId = randomUUID();
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.pepTask.create({
          data: {
            id: taskId,
            pepClientId: submission.pepClientId,
            idempotencyKey: submission.idempotencyKey,
            bodyHash: submission.bodyHash,
            ...(submission.items !== null ? { items: submission.items } : {}),
          },
        });
        await tx.pepDenialUse.createMany({
          data: submission.evaluationIds.map((evaluationId) => ({ evaluationId, pepTaskId: taskId })),
        });
      });
      return { kind: 'reserved', taskId };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another submission got there first: under the same key, or with one of the same denials.
      const raced = await this.byKey(submission);
      if (raced) return raced;
      const use = await this.prisma.pepDenialUse.findFirst({
        where: { evaluationId: { in: submission.evaluationIds } },
        include: { pepTask: true },
      });
      if (!use) throw error;
      return { kind: 'denial-used', task: use.pepTask };
    }
  }

  /** The reserved submission filed this request. */
  async bind(taskId: string, requestId: string): Promise<void> {
    await this.prisma.pepTask.update({ where: { id: taskId }, data: { requestId } });
  }

  /** Filing failed: the denials may be used again (a submission fixed and sent anew). */
  async release(taskId: string): Promise<void> {
    await this.prisma.pepTask.deleteMany({ where: { id: taskId, requestId: null } });
  }

  /** The task of this PEP client for a request; null for one it did not file (or none at all). */
  async of(pepClientId: string, requestId: string): Promise<PepTaskView | null> {
    if (!isUuid(requestId)) return null;
    const task = await this.prisma.pepTask.findFirst({
      where: { requestId, pepClientId },
      orderBy: { createdAt: 'asc' },
      include: { request: { include: { grant: true } } },
    });
    if (!task?.request) return null;
    const { request, ...binding } = task;
    const { grant, ...requestRow } = request;
    return { task: binding, request: requestRow, grant };
  }

  private async byKey(submission: PepSubmission): Promise<Reservation | null> {
    if (submission.idempotencyKey === null) return null;
    const task = await this.prisma.pepTask.findUnique({
      where: {
        pepClientId_idempotencyKey: {
          pepClientId: submission.pepClientId,
          idempotencyKey: submission.idempotencyKey,
        },
      },
    });
    if (!task) return null;
    return task.bodyHash === submission.bodyHash ? { kind: 'retry', task } : { kind: 'key-reused' };
  }
}
