/**
 * A deterministic, realistic-looking history of human decisions on access requests, with rules
 * planted in it and noise around them. Used by the mining tests (small) and `npm run bench:mining`
 * (1,000,000 decisions).
 *
 * 12 attributes: human department, title, region, employmentType, groups; resource path, domain,
 * sensitivity, tags (plus kind, constant per resource); request intent, tier, agent.
 *
 * Planted, in this order (the first that applies decides the approval probability):
 *   1. HR data requested by someone outside HR: approved 1% of the time.
 *   2. Restricted data requested by a contractor: approved 1%.
 *   3. Finance people on finance data that is not restricted: approved 98.5%.
 *   4. BI users on data tagged `kpi` (never HR, never restricted): approved 98.5%.
 *   5. Engineers on `telemetry` data (product domain, never restricted) at DISCOVER tier: approved 98.5%.
 * Everything else is mixed: 30-90% depending on sensitivity, whether the data is in the
 * requester's own domain, and a per-department-and-domain affinity.
 */
import type { DecisionRecord } from '../src/mining/decision-record.ts';
import { type SeededRandom, seededRandom } from '../src/mining/seeded-random.ts';

export interface SyntheticOptions {
  decisions: number;
  seed?: number;
  /** Default: one per 200 decisions, between 200 and 5,000. */
  humans?: number;
  /** Default: one per 500 decisions, between 100 and 2,000. */
  resources?: number;
  /**
   * The approval probability of the planted approve rules (default 0.985; deny rules use one
   * minus the default noise, 0.01).
   */
  plantedApproval?: number;
}

const departments = ['finance', 'sales', 'marketing', 'engineering', 'hr', 'legal', 'operations', 'support'];
const departmentWeights = [14, 22, 12, 25, 6, 5, 10, 6];
const ownDomain: Record<string, string> = {
  finance: 'finance',
  sales: 'sales',
  marketing: 'marketing',
  engineering: 'product',
  hr: 'hr',
  legal: 'legal',
  operations: 'operations',
  support: 'support',
};
const domains = ['finance', 'sales', 'marketing', 'product', 'hr', 'legal', 'operations', 'support'];
const domainWeights = [15, 20, 12, 20, 8, 5, 10, 10];
const titles = ['analyst', 'engineer', 'manager', 'director', 'associate', 'specialist'];
const titleWeights = [30, 20, 15, 5, 20, 10];
const regions = ['emea', 'amer', 'apac', 'latam'];
const regionWeights = [35, 40, 18, 7];
const sensitivities = ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'];
const sensitivityWeights = [15, 45, 28, 12];
const baseApproval: Record<string, number> = {
  PUBLIC: 0.75,
  INTERNAL: 0.65,
  CONFIDENTIAL: 0.5,
  RESTRICTED: 0.3,
};
const intents = ['analytics', 'reporting', 'debugging', 'exploration'];
const intentWeights = [50, 25, 15, 10];
const kinds = ['table', 'view', 'metric'];

function weighted<T>(random: SeededRandom, values: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let roll = random.next() * total;
  for (let index = 0; index < values.length; index += 1) {
    roll -= weights[index]!;
    if (roll < 0) return values[index]!;
  }
  return values.at(-1)!;
}

interface Human {
  attributes: Record<string, string | string[]>;
  department: string;
  contractor: boolean;
  biUser: boolean;
}

interface Resource {
  snapshot: DecisionRecord['resource'];
  domain: string;
  sensitivity: string;
  tags: Set<string>;
}

function makeHuman(random: SeededRandom): Human {
  const department = weighted(random, departments, departmentWeights);
  const title =
    department === 'engineering' && random.next() < 0.6 ? 'engineer' : weighted(random, titles, titleWeights);
  const contractor = random.next() < 0.15;
  const groups: string[] = [];
  if (title === 'analyst') groups.push('analysts');
  const biUser = random.next() < 0.25;
  if (biUser) groups.push('bi-users');
  if (department === 'engineering' && random.next() < 0.4) groups.push('oncall');
  if (title === 'manager' || title === 'director') groups.push('managers');
  if (random.next() < 0.05) groups.push('data-stewards');
  return {
    attributes: {
      department,
      title,
      region: weighted(random, regions, regionWeights),
      employmentType: contractor ? 'contractor' : 'employee',
      groups,
    },
    department,
    contractor,
    biUser,
  };
}

function makeResource(random: SeededRandom, index: number): Resource {
  const domain = weighted(random, domains, domainWeights);
  const sensitivity = weighted(random, sensitivities, sensitivityWeights);
  const tags = new Set<string>();
  if (random.next() < (domain === 'hr' || domain === 'support' ? 0.6 : 0.15)) tags.add('pii');
  if (tags.has('pii') && random.next() < 0.5) tags.add('gdpr');
  if (domain !== 'hr' && sensitivity !== 'RESTRICTED' && random.next() < 0.22) tags.add('kpi');
  if (domain === 'product' && sensitivity !== 'RESTRICTED' && random.next() < 0.35) tags.add('telemetry');
  if (domain === 'hr' && random.next() < 0.5) tags.add('payroll');
  if (domain === 'finance' && random.next() < 0.4) tags.add('revenue');
  if (random.next() < 0.15) tags.add('raw');
  const kind = kinds[random.below(kinds.length)]!;
  return {
    snapshot: {
      path: `warehouse.${domain}.${kind}_${index}`,
      kind,
      tags: [...tags],
      domain,
      sensitivity,
    },
    domain,
    sensitivity,
    tags,
  };
}

/** The planted approval probability of `human` asking for `resource` at `tier`. */
function approvalProbability(
  human: Human,
  resource: Resource,
  tier: string,
  affinity: (department: string, domain: string) => number,
  planted: number,
): number {
  if (resource.domain === 'hr' && human.department !== 'hr') return 0.01;
  if (resource.sensitivity === 'RESTRICTED' && human.contractor) return 0.01;
  if (
    human.department === 'finance' &&
    resource.domain === 'finance' &&
    resource.sensitivity !== 'RESTRICTED'
  ) {
    return planted;
  }
  if (human.biUser && resource.tags.has('kpi')) return planted;
  if (human.department === 'engineering' && resource.tags.has('telemetry') && tier === 'DISCOVER')
    return planted;
  const own = ownDomain[human.department] === resource.domain ? 0.1 : 0;
  const probability = baseApproval[resource.sensitivity]! + own + affinity(human.department, resource.domain);
  return Math.min(0.9, Math.max(0.05, probability));
}

/** Generates `decisions` decision records, deterministic for a given seed. */
export function generateDecisions(options: SyntheticOptions): DecisionRecord[] {
  const random = seededRandom(options.seed ?? 7);
  const humanCount = options.humans ?? Math.min(5_000, Math.max(200, Math.ceil(options.decisions / 200)));
  const resourceCount =
    options.resources ?? Math.min(2_000, Math.max(100, Math.ceil(options.decisions / 500)));
  const planted = options.plantedApproval ?? 0.985;
  const humans = Array.from({ length: humanCount }, () => makeHuman(random));
  const resources = Array.from({ length: resourceCount }, (_, index) => makeResource(random, index));
  const resourcesByDomain = new Map<string, Resource[]>(domains.map((domain) => [domain, []]));
  for (const resource of resources) resourcesByDomain.get(resource.domain)!.push(resource);
  const affinities = new Map<string, number>();
  for (const department of departments) {
    for (const domain of domains) affinities.set(`${department}/${domain}`, random.next() * 0.2 - 0.1);
  }
  const affinity = (department: string, domain: string) => affinities.get(`${department}/${domain}`)!;

  const agents = Array.from({ length: 20 }, (_, index) => `agent-${String(index + 1).padStart(2, '0')}`);
  const agentWeights = agents.map((_, index) => 1 / (index + 1));
  const requests = new Map<string, DecisionRecord['request']>();
  const requestOf = (intent: string, tier: string, agent: string) => {
    const key = `${intent}/${tier}/${agent}`;
    let request = requests.get(key);
    if (!request) {
      request = { intent, tier, agent };
      requests.set(key, request);
    }
    return request;
  };
  const teams = new Map<string, { id: string; team: string }[]>();
  for (const team of [...domains.map((domain) => `${domain}-owners`), 'security']) {
    teams.set(
      team,
      Array.from({ length: team === 'security' ? 4 : 6 }, (_, index) => ({
        id: `${team}-approver-${index + 1}@acme.example`,
        team,
      })),
    );
  }

  const records: DecisionRecord[] = [];
  let time = Date.UTC(2025, 0, 1);
  const stepMs = (365 * 24 * 3600 * 1000) / options.decisions;
  for (let index = 0; index < options.decisions; index += 1) {
    const human = humans[random.below(humans.length)]!;
    const preferred = resourcesByDomain.get(ownDomain[human.department]!)!;
    const resource =
      random.next() < 0.45 && preferred.length > 0
        ? preferred[random.below(preferred.length)]!
        : resources[random.below(resources.length)]!;
    const tier = random.next() < 0.4 ? 'DISCOVER' : 'READ';
    const request = requestOf(
      weighted(random, intents, intentWeights),
      tier,
      weighted(random, agents, agentWeights),
    );
    const approved = random.next() < approvalProbability(human, resource, tier, affinity, planted);
    const team =
      resource.sensitivity === 'RESTRICTED' && random.next() < 0.5 ? 'security' : `${resource.domain}-owners`;
    const members = teams.get(team)!;
    time += stepMs * (0.5 + random.next());
    records.push({
      id: `decision-${index + 1}`,
      decidedAt: new Date(Math.round(time)),
      outcome: approved ? 'approved' : 'denied',
      approver: members[random.below(members.length)]!,
      human: human.attributes,
      resource: resource.snapshot,
      request,
    });
  }
  return records;
}
