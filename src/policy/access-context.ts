import type { Tier } from '../../generated/prisma/enums.ts';
import type { Channel } from '../audit/channel.ts';
import type { Sensitivity } from '../catalog/sensitivity.ts';
import type { CapabilityCeiling } from '../identity/agents/capability-ceiling.ts';
import type { HumanIdentity } from '../identity/viewer.ts';
import type { JsonObject } from '../shared/json.ts';
import type { ObjectKind } from './policy-schema.ts';

/** The human as policies see them (the snapshot a decision is made on). */
export interface PolicyHuman {
  email: string;
  department: string | null;
  region: string | null;
  title: string | null;
  groups: string[];
  manager: string | null;
  attributes: JsonObject;
}

/** The human as policies and rules see them, from who the caller is. */
export function policyHuman(human: HumanIdentity): PolicyHuman {
  return {
    email: human.email,
    department: human.department,
    region: human.region,
    title: human.title,
    groups: human.groups,
    manager: human.managerEmail,
    attributes: human.attributes,
  };
}

/** A just-in-time grant for this human, chain and intent: exact paths (or metric/term names) at a tier. */
export interface AccessGrant {
  id: string;
  paths: string[];
  tier: Tier;
  /** When it ends (a vended database role lives no longer than the grants it relies on). */
  expiresAt?: Date;
}

/** Everything a decision depends on besides the policies and the object. */
export interface AccessContext {
  human: PolicyHuman;
  /** The delegation's intent; null for a human calling with their own token. */
  intent: { name: string; allowedTiers: Tier[]; allowedTags: string[] } | null;
  /** One ceiling per agent of the chain (none for a human). */
  ceilings: CapabilityCeiling[];
  grants: AccessGrant[];
  /** The door of the call; null or absent when unknown (then only channel-bound denies apply). */
  channel?: Channel | null;
  now: Date;
}

/** A catalog object as the engine sees it. Metrics and glossary terms use their name as path. */
export interface PolicyObject {
  id: string;
  kind: ObjectKind;
  path: string;
  /** Columns: the path of their dataset. */
  datasetPath: string | null;
  tags: string[];
  domain: string | null;
  /** Columns: the stricter of their own and their dataset's. */
  sensitivity: Sensitivity;
  /** Metrics: the dataset and column paths they read and the names of their input metrics. */
  dependsOn: string[];
}
