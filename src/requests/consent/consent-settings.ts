import { appendAuditEvent } from '../../audit/index.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { InvalidatedCache } from '../../db/invalidated-cache.ts';
import { advisoryLocks, takeAdvisoryLocks } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { requireGovernance } from '../../identity/governance.ts';
import { type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import { validateInput } from '../../shared/validate.ts';
import { type ConsentSettingsValues, defaultConsentSettings } from './confirmation-asked.ts';
import { type ConsentSettingsInput, consentSettingsInputSchema } from './consent-input.ts';

/** The stored settings, and who changed them last. */
export interface ConsentSettings extends ConsentSettingsValues {
  updatedAt: Date | null;
  updatedBy: string | null;
}

/**
 * Governance's consent settings (one row), read through a cache every replica drops when they
 * change; the defaults until governance first sets them.
 */
export class ConsentSettingsStore {
  private readonly cache: InvalidatedCache<ConsentSettings>;

  constructor(
    private readonly prisma: PrismaClient,
    changes: ChangeFeed,
    private readonly governanceGroup: string,
  ) {
    this.cache = new InvalidatedCache(changes, ['consents'], () => this.load());
  }

  get(): Promise<ConsentSettings> {
    return this.cache.get();
  }

  private async load(): Promise<ConsentSettings> {
    const row = await this.prisma.consentSettings.findUnique({ where: { id: 1 } });
    return row
      ? {
          subAgentRequests: row.subAgentRequests,
          notMeRevokesDelegation: row.notMeRevokesDelegation,
          updatedAt: row.updatedAt,
          updatedBy: row.updatedBy,
        }
      : { ...defaultConsentSettings, updatedAt: null, updatedBy: null };
  }

  /** Governance changes them (the fields given); audited with the values before and after. */
  async update(viewer: Viewer, rawInput: ConsentSettingsInput): Promise<ConsentSettings> {
    const actor = requireGovernance(viewer, this.governanceGroup);
    const input = validateInput(consentSettingsInputSchema, rawInput, 'input');
    const updated = await this.prisma.$transaction(async (tx) => {
      await takeAdvisoryLocks(tx, advisoryLocks.consentSettings);
      const before = (await tx.consentSettings.findUnique({ where: { id: 1 } })) ?? {
        ...defaultConsentSettings,
      };
      const values = {
        subAgentRequests: input.subAgentRequests ?? before.subAgentRequests,
        notMeRevokesDelegation: input.notMeRevokesDelegation ?? before.notMeRevokesDelegation,
        updatedAt: new Date(),
        updatedBy: actor.human.email,
      };
      await tx.consentSettings.upsert({ where: { id: 1 }, create: { id: 1, ...values }, update: values });
      await appendAuditEvent(tx, {
        type: 'consent.settings-changed',
        actor: viewerAuditActor(actor),
        subject: { kind: 'consent-settings', id: '1' },
        payload: {
          before: {
            subAgentRequests: before.subAgentRequests,
            notMeRevokesDelegation: before.notMeRevokesDelegation,
          },
          after: {
            subAgentRequests: values.subAgentRequests,
            notMeRevokesDelegation: values.notMeRevokesDelegation,
          },
        },
      });
      await notifyChange(tx, 'consents');
      return values;
    });
    this.cache.invalidate();
    return updated;
  }

  close(): void {
    this.cache.close();
  }
}
