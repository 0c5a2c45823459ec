import type { LoadStep } from './load-spec.ts';

/** Sends one load step once, as the load process would, and returns its answer's text (non-2xx throws). */
export async function sendStep(origin: string, step: LoadStep): Promise<string> {
  const response = await fetch(`${origin}${step.path}`, {
    method: step.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...step.headers },
    ...(step.body === undefined ? {} : { body: step.body }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${step.label} ${step.path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return text;
}
