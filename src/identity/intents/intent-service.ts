import { randomUUID } from 'node:crypto';
import type { Intent, Prisma } from '../../../generated/prisma/client.ts';
import { appendAuditEvent } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { ApertureError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import { withoutUndefined } from '../../shared/without-undefined.ts';
import { requireGovernance } from '../governance.ts';
import type { IdentityState } from '../state/identity-state.ts';
import { type Viewer, viewerAuditActor } from '../viewer.ts';
import {
  type IntentInput,
  type IntentUpdateInput,
  intentInputSchema,
  intentName,
  intentUpdateSchema,
} from './intent-input.ts';

export interface IntentServiceDeps {
  prisma: PrismaClient;
  state: IdentityState;
  governanceGroup: string;
}

/** The governed list of intents. Changes take effect on the next call of every replica. */
export class IntentService {
  constructor(private readonly deps: IntentServiceDeps) {}

  list(): Promise<Intent[]> {
    return this.deps.prisma.intent.findMany({ orderBy: { name: 'asc' } });
  }

  async create(viewer: Viewer, input: IntentInput): Promise<Intent> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const data = validateInput(intentInputSchema, input, 'intent');
    return this.write(actor, 'intent.created', async (tx) => {
      if (await tx.intent.findUnique({ where: { name: data.name } })) {
        throw new ApertureError('CONFLICT', `intent ${data.name} already exists`);
      }
      return tx.intent.create({ data: { id: randomUUID(), ...data } });
    });
  }

  async update(viewer: Viewer, name: string, input: IntentUpdateInput): Promise<Intent> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const data = validateInput(intentUpdateSchema, input, 'intent');
    return this.write(actor, 'intent.updated', async (tx) => {
      await this.existing(tx, name);
      return tx.intent.update({ where: { name }, data: withoutUndefined(data) });
    });
  }

  /** Delegation tokens of a deleted intent stop working on their next call. */
  async delete(viewer: Viewer, name: string): Promise<Intent> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    return this.write(actor, 'intent.deleted', async (tx) => {
      await this.existing(tx, name);
      return tx.intent.delete({ where: { name } });
    });
  }

  private async existing(tx: Prisma.TransactionClient, name: string): Promise<Intent> {
    const parsed = intentName.safeParse(name);
    const intent = parsed.success ? await tx.intent.findUnique({ where: { name: parsed.data } }) : null;
    if (!intent) throw new ApertureError('NOT_FOUND', `intent ${name} does not exist`);
    return intent;
  }

  private async write(
    actor: Viewer,
    type: string,
    change: (tx: Prisma.TransactionClient) => Promise<Intent>,
  ): Promise<Intent> {
    const intent = await this.deps.prisma.$transaction(async (tx) => {
      const result = await change(tx);
      await appendAuditEvent(tx, {
        type,
        actor: viewerAuditActor(actor),
        subject: { kind: 'intent', id: result.name },
        payload: { intent: { ...result, id: undefined, createdAt: undefined, updatedAt: undefined } },
      });
      await notifyChange(tx, 'identity');
      return result;
    });
    this.deps.state.invalidate();
    return intent;
  }
}
