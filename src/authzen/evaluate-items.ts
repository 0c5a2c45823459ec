import type { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';
import { reviewApproval } from './approval-review.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import { authzenPaths } from './authzen-paths.ts';
import type { EvaluationRequest } from './authzen-schemas.ts';
import { type AccessDecision, catalogPath, type Decision, decideAccess } from './decide-access.ts';
import { type EvaluationCall, type SubjectReading, subjectAudit, subjectReader } from './subject-reader.ts';
import type { VerifiedViewer } from './verify-subject.ts';

export type { EvaluationCall };

interface Trail {
  policyVersion: number;
  decisions: Record<string, unknown>[];
}

/**
 * Evaluates one or more requests against each subject's slice: each distinct subject (its id,
 * token and any act or intent it claims) is verified once and its slice built once; every decision
 * is audited with its subject's chain. `stopAt` ends a boxcar early (the semantics of §7.1.2).
 */
export async function evaluateItems(
  modules: AuthzenModules,
  call: EvaluationCall,
  items: readonly EvaluationRequest[],
  stopAt?: (decision: Decision) => boolean,
): Promise<Decision[]> {
  const subjects = new Map<string, Promise<SubjectReading>>();
  const trails = new Map<VerifiedViewer, Trail>();
  const decisions: Decision[] = [];
  for (const item of items) {
    const { token, act, intent } = item.subject.properties;
    const key = JSON.stringify([item.subject.id, token, act ?? null, intent ?? null]);
    if (!subjects.has(key)) subjects.set(key, subjectReader(modules, call, item.subject));
    const subject = await subjects.get(key)!;
    if (!subject.ok) {
      decisions.push({
        decision: false,
        context: { reason: 'subject_not_verified', error: { status: 403, message: subject.message } },
      });
    } else {
      const decision = await evaluateOne(modules, call, subject.viewer, subject.reader, item);
      decisions.push(decision);
      const trail = trails.get(subject.viewer) ?? {
        policyVersion: subject.reader.policyVersion,
        decisions: [],
      };
      trail.decisions.push({
        resource: `${item.resource.type}:${item.resource.id}`,
        action: item.action.name,
        decision: decision.decision,
        ...(decision.context?.evaluation_id ? { evaluationId: decision.context.evaluation_id } : {}),
        ...(decision.context?.approval ? { approval: (decision.context.approval as { id: string }).id } : {}),
        ...(decision.context?.next_action ? { reason: decision.context.reason } : {}),
      });
      trails.set(subject.viewer, trail);
    }
    if (stopAt?.(decisions.at(-1)!)) break;
  }
  for (const [viewer, trail] of trails) {
    const audit = subjectAudit(viewer);
    modules.auditBatcher.enqueue({
      type: 'authzen.evaluated',
      actor: audit.actor,
      intent: audit.intent,
      policyVersion: trail.policyVersion,
      subject: { kind: 'pep-client', id: call.pep.id },
      payload: {
        requestId: call.requestId,
        pepClientId: call.pep.clientId,
        ...audit.tokenPayload,
        decisions: trail.decisions.slice(0, 200),
      },
    });
  }
  return decisions;
}

async function evaluateOne(
  modules: AuthzenModules,
  call: EvaluationCall,
  viewer: VerifiedViewer,
  reader: SliceCatalogReader,
  item: EvaluationRequest,
): Promise<Decision> {
  const action = item.action.name;
  const decided: AccessDecision = decideAccess(
    (path) => reader.explain(path),
    action,
    item.resource,
    viewer.kind === 'agent',
  );
  let context = { ...decided.context };
  let offerRequest = decided.requestable;
  const approval = item.context?.approval;
  if (approval !== undefined) {
    const id =
      typeof approval === 'object' && approval !== null ? (approval as { id?: unknown }).id : undefined;
    const grant = typeof id === 'string' ? await modules.requests.ownGrant(viewer, id) : null;
    const review = reviewApproval(grant, catalogPath(item.resource), action, decided);
    context = { ...context, ...review.context };
    offerRequest = review.requestAgain;
  }
  if (offerRequest && viewer.kind === 'agent') {
    const binding = await modules.bindings.issue(
      viewer,
      { type: item.resource.type, id: item.resource.id },
      action,
      { audience: call.origin, pepClientId: call.pep.id },
    );
    context.evaluation_id = binding.evaluationId;
    context.evaluated_at = binding.evaluatedAt.toISOString();
    context.access_request = {
      endpoint: `${call.origin}${authzenPaths.requests}`,
      template: 'aperture-jit',
      expires_at: binding.expiresAt.toISOString(),
      binding_token: binding.token,
      request_schema_url: `${call.origin}${authzenPaths.requestSchema}`,
      display: {
        title: 'Request access',
        description: `Ask for read access to ${item.resource.id}: rules may decide at once, or an approver decides.`,
      },
    };
  }
  return { decision: decided.decision, context };
}
