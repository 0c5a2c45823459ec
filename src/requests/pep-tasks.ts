import type { AccessRequest, Grant, PepTask } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/open-database.ts';

/** A request filed at the AuthZEN access-request endpoint, with what its PEP may read of it. */
export interface PepTaskView {
  task: PepTask;
  request: AccessRequest;
  grant: Grant | null;
}

/**
 * The binding between an access request and the PEP client that filed it through the AuthZEN
 * access-request endpoint: only that client reads the task's status, and a retry under the same
 * Idempotency-Key finds the task it made.
 */
export class PepTasks {
  constructor(private readonly prisma: PrismaClient) {}

  byIdempotencyKey(pepClientId: string, idempotencyKey: string): Promise<PepTask | null> {
    return this.prisma.pepTask.findUnique({
      where: { pepClientId_idempotencyKey: { pepClientId, idempotencyKey } },
    });
  }

  /** The task a denial already filed (a denial's binding token files one request). */
  byEvaluationId(evaluationId: string): Promise<PepTask | null> {
    return this.prisma.pepTask.findUnique({ where: { evaluationId } });
  }

  /**
   * Binds a request to its PEP. A request is bound once: a PEP retrying without a key, whose
   * request the requests module found already pending, keeps the first binding.
   */
  async record(task: Omit<PepTask, 'createdAt'>): Promise<void> {
    await this.prisma.pepTask.createMany({ data: [task], skipDuplicates: true });
  }

  /** The task of this PEP client; null for a request it did not file (or that does not exist). */
  async of(pepClientId: string, requestId: string): Promise<PepTaskView | null> {
    if (!/^[0-9a-f-]{36}$/i.test(requestId)) return null;
    const task = await this.prisma.pepTask.findUnique({
      where: { requestId },
      include: { request: { include: { grant: true } } },
    });
    if (!task || task.pepClientId !== pepClientId) return null;
    const { request, ...binding } = task;
    const { grant, ...requestRow } = request;
    return { task: binding, request: requestRow, grant };
  }
}
