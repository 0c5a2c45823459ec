import type { PrismaClient } from '../../db/open-database.ts';
import { currentHuman } from '../grants/recheck-grants.ts';
import { type RequestSnapshot, snapshotObject } from '../request-snapshot.ts';
import { evaluateRules } from '../rules/evaluate-rules.ts';
import type { RuleSet } from '../rules/rule-store.ts';
import { type ConsentSettingsValues, confirmationAsked } from './confirmation-asked.ts';
import { consentLapse } from './consent-lapse.ts';
import { endStandingConsents } from './standing-consents.ts';

/**
 * Ends the standing consents of these people that no longer hold (consent-lapse.ts): each is
 * checked against the agents, the intent, the person and the rules as they are now, for the request
 * that made it. Run when people's attributes change and before a person's consents are listed.
 */
export async function recheckStandingConsents(
  deps: {
    prisma: PrismaClient;
    rules: { get(): Promise<RuleSet> };
    settings: { get(): Promise<ConsentSettingsValues> };
  },
  humanIds: readonly string[],
): Promise<number> {
  const now = new Date();
  const consents = await deps.prisma.standingConsent.findMany({
    where: { humanId: { in: [...humanIds] }, endedAt: null, expiresAt: { gt: now } },
  });
  if (consents.length === 0) return 0;
  const agentIds = [...new Set(consents.flatMap((consent) => consent.chain))];
  const [people, agents, intents, requests, { rules }, settings] = await Promise.all([
    deps.prisma.person.findMany({
      where: { id: { in: [...new Set(consents.map((consent) => consent.humanId))] } },
      include: { manager: { select: { email: true } } },
    }),
    deps.prisma.agent.findMany({
      where: { id: { in: agentIds } },
      select: { id: true, clientId: true, status: true, allowedIntents: true },
    }),
    deps.prisma.intent.findMany({
      where: { name: { in: [...new Set(consents.map((consent) => consent.intent))] } },
      select: { name: true, updatedAt: true },
    }),
    deps.prisma.accessRequest.findMany({
      where: { id: { in: consents.map((consent) => consent.requestId) } },
      select: { id: true, snapshot: true, requestedDurationSeconds: true, createdAt: true },
    }),
    deps.rules.get(),
    deps.settings.get(),
  ]);
  const personById = new Map(people.map((person) => [person.id, person]));
  const agentById = new Map(agents.map((agent) => [agent.id, agent]));
  const intentByName = new Map(intents.map((intent) => [intent.name, intent]));
  const requestById = new Map(requests.map((request) => [request.id, request]));
  let ended = 0;
  for (const consent of consents) {
    const person = personById.get(consent.humanId);
    const request = requestById.get(consent.requestId);
    const chain = consent.chain.map((id) => agentById.get(id));
    const intent = intentByName.get(consent.intent);
    let askedByNow: string | null = null;
    if (person && request) {
      const snapshot = request.snapshot as unknown as RequestSnapshot;
      const outcome = evaluateRules(rules, {
        human: currentHuman(snapshot, person),
        agentClientId: chain.at(-1)?.clientId ?? '',
        intent: consent.intent,
        resources: snapshot.resources.map(snapshotObject),
        tier: consent.tier,
        requestedSeconds: request.requestedDurationSeconds,
        at: request.createdAt,
        channel: snapshot.channel ?? null,
      });
      askedByNow = confirmationAsked(outcome, settings, consent.chain.length)?.askedBy ?? null;
    }
    const reason = consentLapse(consent, {
      stoppedAgents: chain.filter((agent) => agent?.status !== 'ACTIVE').length,
      intentUnchanged:
        !!intent &&
        intent.updatedAt <= consent.createdAt &&
        chain.every((agent) => agent?.allowedIntents.includes(consent.intent)),
      personActive: person?.active ?? false,
      askedByNow,
    });
    if (!reason) continue;
    const done = await deps.prisma.$transaction((tx) => endStandingConsents(tx, [consent], reason, now));
    ended += done.length;
  }
  return ended;
}
