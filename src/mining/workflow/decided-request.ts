import { z } from 'zod';
import type { AccessRequest, Prisma } from '../../../generated/prisma/client.ts';
import { type ConsentAnswer, Sensitivity, type Tier } from '../../../generated/prisma/enums.ts';
import { type Channel, channelNames } from '../../audit/channel.ts';
import type { PolicyHuman, PolicyObject } from '../../policy/access-context.ts';
import { objectKinds } from '../../policy/policy-schema.ts';
import { snapshotObject } from '../../requests/request-snapshot.ts';
import type { JsonObject } from '../../shared/json.ts';

/** The columns of an access request that mining and rule simulation read. */
export const decidedRequestColumns = {
  id: true,
  agentId: true,
  intent: true,
  tier: true,
  snapshot: true,
  status: true,
  decidedBy: true,
  decidedAt: true,
  createdAt: true,
  requestedDurationSeconds: true,
  consentAnswer: true,
} as const;

export type DecidedRequestRow = Pick<AccessRequest, keyof typeof decidedRequestColumns>;

/**
 * The snapshot written when the request was filed (src/requests/request-snapshot.ts), read
 * leniently: what mining and simulation need, nothing more.
 */
const snapshotSchema = z.object({
  human: z.object({
    email: z.string(),
    department: z.string().nullish(),
    region: z.string().nullish(),
    title: z.string().nullish(),
    groups: z.array(z.string()).default([]),
    manager: z.string().nullish(),
    attributes: z.record(z.string(), z.json()).default({}),
  }),
  resources: z
    .array(
      z.object({
        id: z.string(),
        path: z.string().min(1),
        kind: z.enum(objectKinds),
        tags: z.array(z.string()).default([]),
        domain: z.string().nullish(),
        sensitivity: z.enum(Sensitivity),
      }),
    )
    .min(1),
  channel: z
    .object({ name: z.enum(channelNames), client: z.string().nullable() })
    .nullish()
    .catch(null),
});

/** A request a person approved or denied, with what they saw when they decided. */
export interface DecidedRequest {
  id: string;
  outcome: 'approved' | 'denied';
  decidedAt: Date;
  createdAt: Date;
  /** The person who decided (the last approval of a quorum). */
  deciderId: string;
  agentId: string;
  intent: string;
  tier: Tier;
  requestedSeconds: number;
  human: PolicyHuman;
  resources: PolicyObject[];
  /** The door it came through; null or absent when unknown (filed before channels were recorded). */
  channel?: Channel | null;
  /**
   * How the person it was made for confirmed it; null when they were not asked. `NOT_ME`: they
   * disowned it, and the denial is theirs (`deciderId` is them), not an approver's.
   */
  consent: ConsentAnswer | null;
}

/**
 * A decided request as mining sees it, or null when a person did not decide it (rules, expiry,
 * cancellation) or its snapshot cannot be read.
 */
export function parseDecidedRequest(row: DecidedRequestRow): DecidedRequest | null {
  if (row.status !== 'APPROVED' && row.status !== 'DENIED') return null;
  if (!row.decidedBy?.startsWith('person:') || !row.decidedAt) return null;
  const snapshot = snapshotSchema.safeParse(row.snapshot);
  if (!snapshot.success) return null;
  const { human, resources, channel } = snapshot.data;
  return {
    id: row.id,
    outcome: row.status === 'APPROVED' ? 'approved' : 'denied',
    decidedAt: row.decidedAt,
    createdAt: row.createdAt,
    deciderId: row.decidedBy.slice('person:'.length),
    agentId: row.agentId,
    intent: row.intent,
    tier: row.tier,
    requestedSeconds: row.requestedDurationSeconds,
    human: {
      email: human.email,
      department: human.department ?? null,
      region: human.region ?? null,
      title: human.title ?? null,
      groups: human.groups,
      manager: human.manager ?? null,
      attributes: human.attributes as JsonObject,
    },
    resources: resources.map((resource) => snapshotObject({ ...resource, domain: resource.domain ?? null })),
    channel: channel ?? null,
    consent: row.consentAnswer,
  };
}

/**
 * Only decisions people made: mining learns from them, simulations are measured against them. A
 * "not me" answer is among them (decided by `person:<the person>`): readers tell it apart by
 * `consent`.
 */
export const humanDecisionFilter = {
  status: { in: ['APPROVED', 'DENIED'] },
  decidedBy: { startsWith: 'person:' },
} satisfies Prisma.AccessRequestWhereInput;
