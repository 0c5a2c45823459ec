import { compilePathGlob } from '../catalog/path-glob.ts';
import { mostSensitive } from '../catalog/sensitivity.ts';
import type { CapabilityCeiling } from '../identity/agents/capability-ceiling.ts';
import type { AccessContext, PolicyObject } from './access-context.ts';
import {
  type CompiledPolicy,
  type CompiledPolicySet,
  selectorMatches,
  signatureKey,
} from './compile-policies.ts';
import type { Mask, RowFilter } from './policy-schema.ts';
import { renderRowFilter } from './render-row-filter.ts';
import { highest, lowest, type Visibility } from './visibility.ts';

/** Why an object has the visibility it has (for explainAccess and audit). */
export interface DecisionReasons {
  /** Allow policies and grants that matched. */
  allowedBy: string[];
  /** Deny policies that matched. */
  deniedBy: string[];
  /**
   * Limits that lowered the result: `ceiling:<hop>`, `intent`, `dataset`, `dependency:<path>` (a
   * dependency the viewer may discover) or `dependency:hidden` (one it may not: never named).
   */
  cappedBy: string[];
}

/** A decision; decisions are shared between objects and must not be changed. */
export interface ObjectDecision {
  visibility: Visibility;
  /** Columns at READ: the mask that applies (the strictest when several do). */
  mask: (Mask & { policyId: string }) | null;
  /** Datasets at READ: the rows this viewer may see, as one SQL predicate; null: all rows. */
  rowFilter: string | null;
  reasons: DecisionReasons;
}

/** Looks up other objects a decision depends on (a column's dataset, a metric's dependencies). */
export type ObjectLookup = (path: string) => PolicyObject | undefined;

const maskStrength: Record<Mask['method'], number> = {
  null: 6,
  redact: 5,
  hash: 4,
  partial: 3,
  year: 2,
  expression: 1,
};

interface Candidates {
  allows: CompiledPolicy[];
  denies: CompiledPolicy[];
  /**
   * When no candidate tests the path (policies by kind, tags, domain or sensitivity only): what
   * they decide, alike for every object of the signature, worked out once.
   */
  pathFree: PathFreeOutcome | null;
}

interface PathFreeOutcome {
  /** The highest tier the allows give (HIDDEN when none), and which they are. */
  allowTier: Visibility;
  allowedBy: string[];
  /** The lowest tier the denies leave (READ when none), and which they are. */
  denyCap: Visibility;
  deniedBy: string[];
  /** The READ allows, the policies granting a dataset of this signature. */
  granting: Granting;
}

interface MaskCandidate {
  mask: Mask & { policyId: string };
  pathTest: ((path: string) => boolean) | null;
}

/** The READ allows granting a dataset; datasets granted by the same policies share one list. */
interface Granting {
  key: string;
  policies: CompiledPolicy[];
  /** Per column signature: the masks of these policies that may apply (path globs aside). */
  masks: Map<string, MaskCandidate[]>;
}

/** The cap of a metric by a dependency the viewer may not discover (its path would leak it). */
export const hiddenDependency = 'dependency:hidden';

const readableColumn = shared(decision('READ', [], [], []));
const columnOfUnreadableDataset = shared(decision('HIDDEN', [], [], ['dataset']));
const hiddenWhileDeciding = shared(decision('HIDDEN', [], [], []));

/**
 * The policies of one version, narrowed to one viewer (human, intent, chain ceilings, grants, time).
 * `decide` answers "what may this viewer know of X"; listing a slice is `decide` over every object,
 * so both always agree. Pure: no I/O, deterministic for its inputs.
 */
export class ViewerAccess {
  private readonly allows: CompiledPolicy[];
  private readonly denies: CompiledPolicy[];
  private readonly ceilings: CompiledCeiling[];
  private readonly grantPaths: Map<string, { id: string; tier: Visibility }[]>;
  private readonly intentCap: Visibility;
  private readonly intentTags: Set<string> | null;
  /** Decisions of datasets, metrics and terms (a column's is cheap once its dataset's is known). */
  private readonly memo = new Map<string, ObjectDecision>();
  /** Per object signature: the allows and denies that may match (path globs aside). */
  private readonly bySignature = new Map<string, Candidates>();
  private readonly grantingByDataset = new Map<string, Granting>();
  private readonly grantings = new Map<string, Granting>();
  /**
   * READ policies that mask columns or filter rows, whoever they are for: a just-in-time READ
   * grant lifts neither, so a grantee gets the strictest of them (never more than policy holders).
   */
  private readonly restricting: CompiledPolicy[];
  private readonly grantMaskSources = new Map<string, Granting>();

  constructor(
    readonly policies: CompiledPolicySet,
    private readonly context: AccessContext,
  ) {
    const applicable = policies.policies.filter(
      (compiled) =>
        compiled.activeAt(context.now) &&
        compiled.appliesUnder(context.intent?.name ?? null) &&
        compiled.appliesOver(context.channel ?? null) &&
        compiled.appliesTo(context.human),
    );
    this.allows = applicable.filter((compiled) => compiled.policy.effect === 'allow');
    this.denies = applicable.filter((compiled) => compiled.policy.effect === 'deny');
    this.ceilings = context.ceilings.map(compileCeiling);
    this.restricting = policies.policies.filter(
      (compiled) =>
        compiled.policy.effect === 'allow' &&
        compiled.policy.tier === 'READ' &&
        compiled.activeAt(context.now) &&
        (compiled.policy.masks.length > 0 || compiled.policy.rowFilters.length > 0),
    );
    this.grantPaths = new Map();
    for (const grant of context.grants) {
      for (const path of grant.paths) {
        this.grantPaths.set(path, [...(this.grantPaths.get(path) ?? []), { id: grant.id, tier: grant.tier }]);
      }
    }
    this.intentCap = context.intent ? highest('HIDDEN', ...context.intent.allowedTiers) : 'READ';
    this.intentTags =
      context.intent && context.intent.allowedTags.length > 0 ? new Set(context.intent.allowedTags) : null;
  }

  decide(object: PolicyObject, lookup: ObjectLookup): ObjectDecision {
    if (object.kind === 'column') return this.decideColumn(object, lookup);
    const known = this.memo.get(object.id);
    if (known) return known;
    // A cycle among metrics resolves to hidden rather than recursing forever.
    this.memo.set(object.id, hiddenWhileDeciding);
    const decided = this.decideFresh(object, lookup);
    this.memo.set(object.id, decided);
    return decided;
  }

  private decideFresh(object: PolicyObject, lookup: ObjectLookup): ObjectDecision {
    const reasons: DecisionReasons = { allowedBy: [], deniedBy: [], cappedBy: [] };
    let visibility = this.ownVisibility(object, reasons);
    if (object.kind === 'metric' && visibility === 'READ') {
      // A metric is readable only when everything it reads is.
      for (const path of object.dependsOn) {
        const dependency = lookup(path);
        const tier = dependency ? this.decide(dependency, lookup).visibility : 'HIDDEN';
        if (tier !== 'READ') {
          visibility = 'DISCOVER';
          // A reason names only what the viewer may discover: a hidden dependency stays unnamed.
          reasons.cappedBy.push(tier === 'HIDDEN' ? hiddenDependency : `dependency:${path}`);
          break;
        }
      }
    }
    const rowFilter = object.kind === 'dataset' && visibility === 'READ' ? this.rowFilter(object) : null;
    return { visibility, mask: null, rowFilter, reasons };
  }

  /** Columns are visible when their dataset is readable and nothing denies or excludes them. */
  private decideColumn(column: PolicyObject, lookup: ObjectLookup): ObjectDecision {
    const dataset = column.datasetPath ? lookup(column.datasetPath) : undefined;
    if (!dataset || this.decide(dataset, lookup).visibility !== 'READ') return columnOfUnreadableDataset;
    const deniedBy: string[] = [];
    const signature = signatureKey(column);
    for (const deny of this.candidates(column, signature).denies) {
      if (pathMatches(deny, column.path)) deniedBy.push(deny.policy.id);
    }
    const excluded = this.ceilings.find((ceiling) => ceiling.excludesColumn(column));
    if (deniedBy.length > 0 || excluded) {
      return decision('HIDDEN', [], deniedBy, excluded ? [`ceiling:${excluded.hop}`] : []);
    }
    const mask = this.mask(column, signature, dataset);
    return mask ? { ...readableColumn, mask } : readableColumn;
  }

  /** Allow policies and grants, then denies (deny wins), then every ceiling and the intent. */
  private ownVisibility(object: PolicyObject, reasons: DecisionReasons): Visibility {
    const grants = this.grantPaths.get(object.path);
    const { allows, denies, pathFree } = this.candidates(object);
    let visibility: Visibility = 'HIDDEN';
    if (pathFree && !grants) {
      // The same policies in the same order as the loops below would find.
      visibility = lowest(pathFree.allowTier, pathFree.denyCap);
      reasons.allowedBy = pathFree.allowedBy;
      reasons.deniedBy = pathFree.deniedBy;
      return this.capped(object, visibility, reasons);
    }
    for (const allow of allows) {
      if (pathMatches(allow, object.path)) {
        visibility = highest(visibility, allow.policy.tier);
        reasons.allowedBy.push(allow.policy.id);
      }
    }
    for (const grant of grants ?? []) {
      visibility = highest(visibility, grant.tier);
      reasons.allowedBy.push(`grant:${grant.id}`);
    }
    for (const deny of denies) {
      if (pathMatches(deny, object.path)) {
        visibility = lowest(visibility, denyCapOf(deny));
        reasons.deniedBy.push(deny.policy.id);
      }
    }
    return this.capped(object, visibility, reasons);
  }

  /** Then every ceiling of the chain and the intent. */
  private capped(object: PolicyObject, allowed: Visibility, reasons: DecisionReasons): Visibility {
    let visibility = allowed;
    if (visibility === 'HIDDEN') return visibility;
    for (const ceiling of this.ceilings) {
      const capped = lowest(visibility, ceiling.capFor(object));
      if (capped !== visibility) reasons.cappedBy.push(`ceiling:${ceiling.hop}`);
      visibility = capped;
    }
    const intentCapped = lowest(
      visibility,
      this.intentCap,
      this.intentTags && !object.tags.some((tag) => this.intentTags!.has(tag)) ? 'HIDDEN' : 'READ',
    );
    if (intentCapped !== visibility) reasons.cappedBy.push('intent');
    return intentCapped;
  }

  private candidates(object: PolicyObject, key = signatureKey(object)): Candidates {
    let candidates = this.bySignature.get(key);
    if (!candidates) {
      const allows = this.allows.filter((allow) => allow.resources.admits(object));
      const denies = this.denies.filter((deny) => deny.resources.admits(object));
      candidates = { allows, denies, pathFree: this.pathFreeOutcome(allows, denies) };
      this.bySignature.set(key, candidates);
    }
    return candidates;
  }

  private pathFreeOutcome(allows: CompiledPolicy[], denies: CompiledPolicy[]): PathFreeOutcome | null {
    if ([...allows, ...denies].some((policy) => policy.resources.pathTest)) return null;
    const readAllows = allows.filter((allow) => allow.policy.tier === 'READ');
    return {
      allowTier: highest('HIDDEN', ...allows.map((allow) => allow.policy.tier)),
      allowedBy: Object.freeze(allows.map((allow) => allow.policy.id)) as string[],
      denyCap: lowest('READ', ...denies.map(denyCapOf)),
      deniedBy: Object.freeze(denies.map((deny) => deny.policy.id)) as string[],
      granting: this.sharedGranting(readAllows),
    };
  }

  /** One Granting per distinct list of policies (masks are worked out per list). */
  private sharedGranting(policies: CompiledPolicy[], prefix = ''): Granting {
    const key = prefix + policies.map((allow) => allow.policy.id).join('|');
    let granting = this.grantings.get(key);
    if (!granting) {
      granting = { key, policies, masks: new Map() };
      this.grantings.set(key, granting);
    }
    return granting;
  }

  private granting(dataset: PolicyObject): Granting {
    const { allows, pathFree } = this.candidates(dataset);
    if (pathFree) return pathFree.granting;
    let granting = this.grantingByDataset.get(dataset.path);
    if (!granting) {
      granting = this.sharedGranting(
        allows.filter((allow) => allow.policy.tier === 'READ' && pathMatches(allow, dataset.path)),
      );
      this.grantingByDataset.set(dataset.path, granting);
    }
    return granting;
  }

  private grantedRead(dataset: PolicyObject): boolean {
    return (this.grantPaths.get(dataset.path) ?? []).some((grant) => grant.tier === 'READ');
  }

  /** Whose masks apply to a dataset's columns: its granting policies, and with a READ grant every restricting policy. */
  private maskSources(dataset: PolicyObject): Granting {
    if (!this.grantedRead(dataset)) return this.granting(dataset);
    let sources = this.grantMaskSources.get(dataset.path);
    if (!sources) {
      const own = this.granting(dataset).policies;
      const policies = [
        ...own,
        ...this.restricting.filter(
          (policy) => !own.includes(policy) && selectorMatches(policy.resources, dataset),
        ),
      ];
      sources = this.sharedGranting(policies, 'grant|');
      this.grantMaskSources.set(dataset.path, sources);
    }
    return sources;
  }

  /** The strictest mask of the policies that grant the column's dataset (with a grant: of every restricting policy). */
  private mask(column: PolicyObject, signature: string, dataset: PolicyObject): ObjectDecision['mask'] {
    const granting = this.maskSources(dataset);
    let candidates = granting.masks.get(signature);
    if (!candidates) {
      candidates = granting.policies.flatMap((allow) =>
        allow.masks
          .filter((entry) => entry.columns.admits(column))
          .map((entry) => ({
            mask: { ...entry.mask, policyId: allow.policy.id },
            pathTest: entry.columns.pathTest,
          })),
      );
      granting.masks.set(signature, candidates);
    }
    let strictest: ObjectDecision['mask'] = null;
    for (const { mask, pathTest } of candidates) {
      if (pathTest && !pathTest(column.path)) continue;
      if (!strictest || maskStrength[mask.method] > maskStrength[strictest.method]) strictest = mask;
    }
    return strictest;
  }

  /**
   * The rows a readable dataset shows, as unrendered `{{human.<attribute>}}` templates combined the
   * same way as the decision's filter (for enforcement that reads the human's values elsewhere, e.g.
   * a vended database role); null: every row. Only meaningful for a dataset decided READ.
   */
  rowFilterTemplate(dataset: PolicyObject): string | null {
    return this.rowFilter(dataset, (filter) => filter.predicate);
  }

  /**
   * Access is the union of what each granting policy allows: a granting policy without filters
   * means every row; otherwise the rows of any granting policy (each policy's filters together).
   * A READ grant adds the rows that every restricting policy of the dataset allows together.
   */
  private rowFilter(
    dataset: PolicyObject,
    predicate: (filter: RowFilter) => string = (filter) =>
      renderRowFilter(filter.predicate, this.context.human),
  ): string | null {
    const granting = this.granting(dataset).policies;
    const granted = this.grantedRead(dataset);
    if (granting.length === 0 && !granted) return null;
    const render = (filters: RowFilter[]) => filters.map((filter) => `(${predicate(filter)})`).join(' AND ');
    const alternatives: string[] = [];
    for (const allow of granting) {
      const filters = allow.rowFiltersFor(dataset.path);
      if (filters.length === 0) return null;
      alternatives.push(render(filters));
    }
    if (granted) {
      const filters = this.restricting
        .filter((policy) => selectorMatches(policy.resources, dataset))
        .flatMap((policy) => policy.rowFiltersFor(dataset.path));
      if (filters.length === 0) return null;
      alternatives.push(render(filters));
    }
    return alternatives.length === 1
      ? alternatives[0]!
      : alternatives.map((alternative) => `(${alternative})`).join(' OR ');
  }
}

/** Decisions that many objects share are frozen, so no caller can change them for the others. */
function shared(decided: ObjectDecision): ObjectDecision {
  for (const list of Object.values(decided.reasons)) Object.freeze(list);
  Object.freeze(decided.reasons);
  return Object.freeze(decided);
}

/** What a matching deny leaves: a READ deny keeps DISCOVER, a DISCOVER deny hides. */
function denyCapOf(deny: CompiledPolicy): Visibility {
  return deny.policy.tier === 'DISCOVER' ? 'HIDDEN' : 'DISCOVER';
}

/** Candidates already admit the object's signature: only the path is left to test. */
function pathMatches(policy: CompiledPolicy, path: string): boolean {
  return !policy.resources.pathTest || policy.resources.pathTest(path);
}

function decision(
  visibility: Visibility,
  allowedBy: string[],
  deniedBy: string[],
  cappedBy: string[],
): ObjectDecision {
  return { visibility, mask: null, rowFilter: null, reasons: { allowedBy, deniedBy, cappedBy } };
}

interface CompiledCeiling {
  hop: number;
  capFor(object: PolicyObject): Visibility;
  excludesColumn(column: PolicyObject): boolean;
}

function compileCeiling(ceiling: CapabilityCeiling, hop: number): CompiledCeiling {
  const excluded = new Set(ceiling.excludedTags);
  const required = ceiling.requiredTags.length > 0 ? new Set(ceiling.requiredTags) : null;
  const paths = ceiling.paths.length > 0 ? ceiling.paths.map(compilePathGlob) : null;
  const tooSensitive = (object: PolicyObject) =>
    mostSensitive([object.sensitivity, ceiling.maxSensitivity]) !== ceiling.maxSensitivity;
  return {
    hop,
    capFor(object) {
      if (tooSensitive(object) || object.tags.some((tag) => excluded.has(tag))) return 'HIDDEN';
      if (required && !object.tags.some((tag) => required.has(tag))) return 'HIDDEN';
      if (paths && object.kind === 'dataset' && !paths.some((glob) => glob.test(object.path)))
        return 'HIDDEN';
      return ceiling.maxTier;
    },
    excludesColumn(column) {
      return tooSensitive(column) || column.tags.some((tag) => excluded.has(tag));
    },
  };
}
