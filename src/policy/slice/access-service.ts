import { type Channel, channelNames, currentChannel, recordAuditEvent } from '../../audit/index.ts';
import type { AccessExplanationShape, StoredCatalogReader } from '../../catalog/read/catalog-reader.ts';
import { leastSensitive, type Sensitivity } from '../../catalog/sensitivity.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
import { InvalidatedCache } from '../../db/invalidated-cache.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { requireGovernance } from '../../identity/governance.ts';
import type { IdentityState } from '../../identity/state/identity-state.ts';
import { checkDelegationState } from '../../identity/tokens/check-delegation-state.ts';
import { type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { type AccessContext, type PolicyObject, policyHuman } from '../access-context.ts';
import { type CompiledPolicySet, channelKey, compilePolicySet } from '../compile-policies.ts';
import { currentPolicySet } from '../store/policy-store.ts';
import { type ObjectDecision, ViewerAccess } from '../viewer-access.ts';
import type { CatalogIndex } from './catalog-index.ts';
import type { GrantSource } from './grant-source.ts';
import { type LoadedCatalog, loadCatalog } from './loaded-catalog.ts';
import { SliceCatalogReader } from './slice-catalog-reader.ts';

/** One viewer's view of the catalog for one request: decisions are made on demand and remembered. */
export interface ViewerSlice {
  policyVersion: number;
  catalog: CatalogIndex;
  /** The stored rows of the same catalog version, unfiltered (the slice's reader filters them). */
  stored: StoredCatalogReader;
  decide(object: PolicyObject): ObjectDecision;
  /**
   * A readable dataset's row filter as unrendered templates (see ViewerAccess.rowFilterTemplate),
   * for enforcement that reads the human's values itself; null: every row.
   */
  rowFilterTemplate(dataset: PolicyObject): string | null;
  /**
   * A result derived only from this slice's decisions and catalog (e.g. the visible matches of a
   * search), computed once and shared by alike viewers until their decisions may change.
   */
  remember<T>(key: string, compute: () => T): T;
  /** The most sensitive data every agent of the chain may see (RESTRICTED for a human alone). */
  sensitivityCeiling: Sensitivity;
}

/** Derived results kept per alike viewers: a few hundred searches at most. */
const maxRemembered = 200;

function rememberIn(results: Map<string, unknown>) {
  return <T>(key: string, compute: () => T): T => {
    if (results.has(key)) return results.get(key) as T;
    const value = compute();
    if (results.size >= maxRemembered) results.delete(results.keys().next().value!);
    results.set(key, value);
    return value;
  };
}

const nothing: ObjectDecision = {
  visibility: 'HIDDEN',
  mask: null,
  rowFilter: null,
  reasons: { allowedBy: [], deniedBy: [], cappedBy: [] },
};

/**
 * Decides per call what a viewer may see: the compiled policies of the current version and the
 * catalog index are cached until a change notification (from any replica) says otherwise; the
 * viewer's human, intent and chain ceilings come from the identity state of this call.
 */
export class AccessService {
  private readonly policies: InvalidatedCache<CompiledPolicySet>;
  private readonly catalog: InvalidatedCache<LoadedCatalog>;
  private accessCache: {
    policies: CompiledPolicySet | null;
    catalog: CatalogIndex | null;
    entries: Map<string, { access: ViewerAccess; results: Map<string, unknown>; expiresAt: number }>;
  } = { policies: null, catalog: null, entries: new Map() };

  constructor(
    private readonly prisma: PrismaClient,
    private readonly identity: IdentityState,
    private readonly grants: GrantSource,
    changes: ChangeFeed,
    private readonly limits: { governanceGroup: string; maxDelegationDepth: number },
  ) {
    this.policies = new InvalidatedCache(changes, ['policies'], async () => {
      const set = await currentPolicySet(prisma);
      return compilePolicySet(set.policies, set.version);
    });
    this.catalog = new InvalidatedCache(changes, ['catalog'], () => loadCatalog(prisma));
  }

  /** Forget compiled policies and the catalog index (this replica changed them). */
  invalidate(): void {
    this.policies.invalidate();
    this.catalog.invalidate();
  }

  close(): void {
    this.policies.close();
    this.catalog.close();
  }

  /**
   * What `viewer` may see through `channel` (by default the channel of the call being served, see
   * `inChannel`; null: a call from no door, where only channel-bound denies apply).
   */
  async sliceFor(viewer: Viewer, channel: Channel | null = currentChannel()): Promise<ViewerSlice> {
    const [policies, { index: catalog, stored }] = await Promise.all([
      this.policies.get(),
      this.catalog.get(),
    ]);
    const context = await this.contextFor(viewer, channel);
    if (!context) {
      return {
        policyVersion: policies.version,
        catalog,
        stored,
        decide: () => nothing,
        rowFilterTemplate: () => null,
        remember: (_key, compute) => compute(),
        sensitivityCeiling: 'PUBLIC',
      };
    }
    const { access, results } = this.viewerAccess(policies, catalog, context);
    const lookup = (path: string) => catalog.byPath.get(path);
    return {
      policyVersion: policies.version,
      catalog,
      stored,
      decide: (object) => access.decide(object, lookup),
      rowFilterTemplate: (dataset) => access.rowFilterTemplate(dataset),
      remember: rememberIn(results),
      sensitivityCeiling:
        context.ceilings.length === 0
          ? 'RESTRICTED'
          : leastSensitive(context.ceilings.map((ceiling) => ceiling.maxSensitivity)),
    };
  }

  /**
   * Decisions depend only on the policy version, the catalog, and the viewer's attributes, chain
   * ceilings, intent, grants and (when a policy names one) channel: viewers alike share one
   * ViewerAccess (and its remembered decisions) until any of these changes or a policy's validity
   * window opens or closes. The channel counts only as far as channel-bound policies tell it apart.
   */
  private viewerAccess(
    policies: CompiledPolicySet,
    catalog: CatalogIndex,
    context: AccessContext,
  ): { access: ViewerAccess; results: Map<string, unknown> } {
    const now = context.now.getTime();
    if (this.accessCache.policies !== policies || this.accessCache.catalog !== catalog) {
      this.accessCache = { policies, catalog, entries: new Map() };
    }
    const key = `${channelKey(policies, context.channel ?? null)}${JSON.stringify([context.human, context.intent, context.ceilings, context.grants])}`;
    const cached = this.accessCache.entries.get(key);
    if (cached && cached.expiresAt > now) return cached;
    // Each entry remembers the decisions its viewers asked for: keep the number of entries modest.
    if (this.accessCache.entries.size >= 500) this.accessCache.entries.clear();
    const entry = {
      access: new ViewerAccess(policies, context),
      results: new Map<string, unknown>(),
      expiresAt: Math.min(now + 60_000, nextValidityBoundary(policies, now)),
    };
    this.accessCache.entries.set(key, entry);
    return entry;
  }

  private async contextFor(viewer: Viewer, channel: Channel | null): Promise<AccessContext | null> {
    if (viewer.kind === 'anonymous') return null;
    const { human } = viewer;
    const base: AccessContext = {
      human: policyHuman(human),
      intent: null,
      ceilings: [],
      grants: [],
      channel,
      now: new Date(),
    };
    if (viewer.kind === 'human') return base;
    const snapshot = await this.identity.snapshot();
    const intent = snapshot.intents.get(viewer.intent);
    const ceilings = viewer.chain.flatMap((agent) => snapshot.agentsById.get(agent.id)?.ceiling ?? []);
    // The authenticator checked the chain and the intent for this call; if they vanished since, nothing is visible.
    if (!intent || ceilings.length !== viewer.chain.length) return null;
    const grants = await this.grants.for(
      {
        humanId: human.id,
        chain: viewer.chain.map((agent) => agent.id),
        intent: viewer.intent,
        taskId: viewer.taskId,
      },
      base.now,
    );
    return {
      ...base,
      intent: { name: intent.name, allowedTiers: intent.allowedTiers, allowedTags: intent.allowedTags },
      ceilings,
      grants,
    };
  }

  /** The catalog index decisions are made on (as cached for slices). */
  async catalogIndex(): Promise<CatalogIndex> {
    return (await this.catalog.get()).index;
  }

  /**
   * What a human would see, alone or through an agent chain under an intent, as a reviewable
   * table (governance only). The chain must be one that could really exist.
   */
  async simulate(actor: Viewer, input: SimulationInput): Promise<SimulatedAccess[]> {
    const governor = requireGovernance(actor, this.limits.governanceGroup);
    const viewer = await this.simulatedViewer(input);
    const channel = simulatedChannel(input.channel);
    const slice = await this.sliceFor(viewer, channel);
    const rows: SimulatedAccess[] = [];
    for (const list of [slice.catalog.datasets, slice.catalog.metrics, slice.catalog.glossary]) {
      for (const { object } of list) {
        const decision = slice.decide(object);
        if (decision.visibility === 'HIDDEN') continue;
        rows.push({
          path: object.path.replace(/^glossary:/, ''),
          kind: object.kind,
          tier: decision.visibility,
          rowFilter: decision.rowFilter,
          visibleColumns: 0,
          maskedColumns: [],
        });
      }
    }
    const byDataset = new Map(rows.filter((row) => row.kind === 'dataset').map((row) => [row.path, row]));
    for (const { object } of slice.catalog.columns) {
      const row = byDataset.get(object.datasetPath ?? '');
      if (!row) continue;
      const decision = slice.decide(object);
      if (decision.visibility === 'HIDDEN') continue;
      row.visibleColumns += 1;
      if (decision.mask)
        row.maskedColumns.push(`${object.path.slice(row.path.length + 1)} (${decision.mask.method})`);
    }
    await recordAuditEvent(this.prisma, {
      type: 'access.simulated',
      actor: viewerAuditActor(governor),
      intent: input.intent,
      policyVersion: slice.policyVersion,
      payload: {
        humanEmail: input.humanEmail,
        agents: input.agentClientIds,
        simulatedChannel: channel,
        visibleObjects: rows.length,
      },
    });
    return rows;
  }

  /**
   * Why a person, alone or through an agent chain, would see one object as they do (governance
   * only): the explanation explainAccess gives that viewer. Null for an unknown person or a path
   * they may not discover, alike; a chain that could not exist is invalid input, as in simulate.
   */
  async explainFor(
    actor: Viewer,
    input: SimulationInput & { path: string },
  ): Promise<{ explanation: AccessExplanationShape; viewer: Viewer } | null> {
    const governor = requireGovernance(actor, this.limits.governanceGroup);
    const viewer = await this.simulatedViewer(input, { unknownPerson: 'null' });
    const channel = simulatedChannel(input.channel);
    const explanation = viewer
      ? new SliceCatalogReader(await this.sliceFor(viewer, channel)).explain(input.path)
      : null;
    await recordAuditEvent(this.prisma, {
      type: 'access.explained',
      actor: viewerAuditActor(governor),
      intent: input.intent,
      policyVersion: explanation?.policyVersion,
      payload: {
        humanEmail: input.humanEmail,
        agents: input.agentClientIds,
        simulatedChannel: channel,
        path: input.path,
        tier: explanation?.tier ?? null,
      },
    });
    return explanation && viewer ? { explanation, viewer } : null;
  }

  /** The viewer a simulation stands for: the person, alone or through a chain that could exist. */
  private async simulatedViewer(input: SimulationInput): Promise<Viewer>;
  private async simulatedViewer(
    input: SimulationInput,
    options: { unknownPerson: 'null' },
  ): Promise<Viewer | null>;
  private async simulatedViewer(
    input: SimulationInput,
    options?: { unknownPerson: 'null' },
  ): Promise<Viewer | null> {
    const person = await this.identity.person({ email: input.humanEmail });
    if (!person?.active) {
      if (options?.unknownPerson === 'null') return null;
      throw invalid('humanEmail', `${input.humanEmail} is not an active person`);
    }
    const snapshot = await this.identity.snapshot();
    const agents = input.agentClientIds.map((clientId) => {
      const agent = snapshot.agentsByClientId.get(clientId);
      if (!agent) throw invalid('agents', `no agent has client id ${clientId}`);
      return agent;
    });
    const { active: _active, ...human } = person;
    const expiresAt = new Date(Date.now() + 60_000);
    if (agents.length === 0) return { kind: 'human', human, issuer: 'simulation', expiresAt };
    if (!input.intent) throw invalid('intent', 'an agent chain acts under an intent');
    const { problem } = checkDelegationState(
      snapshot,
      agents.map((agent) => agent.id),
      input.intent,
      this.limits.maxDelegationDepth,
    );
    if (problem) throw invalid('agents', problem.message);
    return {
      kind: 'agent',
      human,
      chain: agents.map(({ id, clientId, name }) => ({ id, clientId, name })),
      intent: input.intent,
      taskId: null,
      tokenId: 'simulation',
      expiresAt,
    };
  }
}

/** Who to simulate: a person, alone or through a chain of agents (client ids) under an intent. */
export interface SimulationInput {
  humanEmail: string;
  agentClientIds: string[];
  intent: string | null;
  /** The door to simulate; none: a call from no door (channel-bound allows give nothing). */
  channel?: { name: string; client?: string | null | undefined } | null | undefined;
}

/** One row of a simulated slice. */
export interface SimulatedAccess {
  path: string;
  kind: PolicyObject['kind'];
  tier: 'DISCOVER' | 'READ';
  rowFilter: string | null;
  /** Datasets: readable columns, and those masked (`name (method)`). */
  visibleColumns: number;
  maskedColumns: string[];
}

function simulatedChannel(
  channel: { name: string; client?: string | null | undefined } | null | undefined,
): Channel | null {
  if (!channel) return null;
  const name = channelNames.find((known) => known === channel.name);
  if (!name) throw invalid('channel', `${channel.name} is not a channel: use ${channelNames.join(', ')}`);
  return { name, client: channel.client ?? null };
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError('simulation', [{ location: field, message }]);
}

/** The next instant a policy starts or stops applying (decisions made before it expire then). */
function nextValidityBoundary(policies: CompiledPolicySet, now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const { policy } of policies.policies) {
    for (const boundary of [policy.validFrom, policy.validUntil]) {
      const time = boundary?.getTime();
      if (time !== undefined && time > now && time < next) next = time;
    }
  }
  return next;
}
