import type { AuthzenModules } from './authzen-modules.ts';
import { evaluationRequestSchema, evaluationsRequestSchema } from './authzen-schemas.ts';
import type { Decision } from './decide-access.ts';
import { type EvaluationCall, evaluateItems } from './evaluate-items.ts';
import { parseRequest } from './parse-request.ts';

/** POST /access/v1/evaluation (§6): one Decision. */
export async function accessEvaluation(
  modules: AuthzenModules,
  call: EvaluationCall,
  body: unknown,
): Promise<Decision> {
  const request = parseRequest(evaluationRequestSchema, body, '');
  const [decision] = await evaluateItems(modules, call, [request]);
  return decision!;
}

/**
 * POST /access/v1/evaluations (§7): the boxcar's defaults filled in (an evaluation's own member
 * wins; `context` too), every item validated before any is decided, then decided in order under
 * the requested semantics. Without an `evaluations` array it is a single evaluation (§7.1).
 */
export async function accessEvaluations(
  modules: AuthzenModules,
  call: EvaluationCall,
  body: unknown,
): Promise<{ evaluations: Decision[] } | Decision> {
  const request = parseRequest(evaluationsRequestSchema, body, '');
  const { evaluations = [], options } = request;
  if (evaluations.length === 0) return accessEvaluation(modules, call, body);
  const items = evaluations.map((evaluation, index) =>
    parseRequest(
      evaluationRequestSchema,
      {
        subject: evaluation.subject ?? request.subject,
        action: evaluation.action ?? request.action,
        resource: evaluation.resource ?? request.resource,
        ...((evaluation.context ?? request.context)
          ? { context: evaluation.context ?? request.context }
          : {}),
      },
      `evaluations[${index}]: `,
    ),
  );
  const semantic = options?.evaluations_semantic ?? 'execute_all';
  const stopAt =
    semantic === 'deny_on_first_deny'
      ? (decision: Decision) => !decision.decision
      : semantic === 'permit_on_first_permit'
        ? (decision: Decision) => decision.decision
        : undefined;
  return { evaluations: await evaluateItems(modules, call, items, stopAt) };
}
