import type { LoadStep } from '../load/load-spec.ts';
import { sendStep } from '../load/send-step.ts';
import type { DoorComparison } from './authzen-comparisons.ts';

/**
 * Before anything is timed, sends every distinct request of a comparison once through both doors
 * and refuses to go on unless each answer is a success holding its expected text and the two doors
 * agree (AuthZEN's decisions match GraphQL's tiers; a search's page and total match GraphQL's).
 */
export async function verifyAgreement(origin: string, compared: DoorComparison): Promise<void> {
  for (const ask of compared.asks) {
    const [floor, authzen] = await Promise.all([send(origin, ask.floor), send(origin, ask.authzen)]);
    const graphql = floor as { data?: unknown; errors?: unknown };
    if (graphql.errors || !graphql.data)
      throw new Error(`${compared.label} GraphQL: ${JSON.stringify(floor).slice(0, 500)}`);
    const differs = ask.disagreement(floor, authzen);
    if (differs) throw new Error(`${compared.label}: the doors disagree: ${differs}`);
  }
}

async function send(origin: string, step: LoadStep): Promise<unknown> {
  const text = await sendStep(origin, step);
  if (step.expect && !text.includes(step.expect))
    throw new Error(`${step.label} ${step.path}: the answer lacks ${step.expect}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}
