import type { PepClient } from '../../generated/prisma/client.ts';
import { viewerAuditActor } from '../identity/viewer.ts';
import { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';
import { reviewApproval } from './approval-review.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import { authzenPaths } from './authzen-paths.ts';
import type { EvaluationRequest } from './authzen-schemas.ts';
import { type AccessDecision, type Decision, decideAccess } from './decide-access.ts';
import { type VerifiedViewer, verifySubject } from './verify-subject.ts';

/** One call's setting: who asks (the PEP), where (the PDP's identifier), under which request id. */
export interface EvaluationCall {
  pep: PepClient;
  origin: string;
  requestId: string;
}

type Verified =
  | { ok: true; viewer: VerifiedViewer; reader: SliceCatalogReader }
  | { ok: false; message: string };

/**
 * Evaluates one or more requests against each subject's slice: each distinct subject token is
 * verified once and its slice built once; every decision is audited with its subject's chain.
 * `stopAt` ends a boxcar early (the evaluations semantics of §7.1.2).
 */
export async function evaluateItems(
  modules: AuthzenModules,
  call: EvaluationCall,
  items: readonly EvaluationRequest[],
  stopAt?: (decision: Decision) => boolean,
): Promise<Decision[]> {
  const subjects = new Map<string, Promise<Verified>>();
  const audited = new Map<VerifiedViewer, { resource: string; action: string; decision: boolean }[]>();
  const decisions: Decision[] = [];
  for (const item of items) {
    const key = `${item.subject.id}\0${item.subject.properties.token}`;
    if (!subjects.has(key)) subjects.set(key, verified(modules, call, item));
    const subject = await subjects.get(key)!;
    const decision = subject.ok
      ? await evaluateOne(modules, call, subject.viewer, subject.reader, item)
      : {
          decision: false,
          context: { reason: 'subject_not_verified', error: { status: 403, message: subject.message } },
        };
    if (subject.ok) {
      const trail = audited.get(subject.viewer) ?? [];
      trail.push({
        resource: `${item.resource.type}:${item.resource.id}`,
        action: item.action.name,
        decision: decision.decision,
      });
      audited.set(subject.viewer, trail);
    }
    decisions.push(decision);
    if (stopAt?.(decision)) break;
  }
  for (const [viewer, trail] of audited) {
    modules.auditBatcher.enqueue({
      type: 'authzen.evaluated',
      actor: viewerAuditActor(viewer),
      intent: viewer.kind === 'agent' ? viewer.intent : null,
      subject: { kind: 'pep-client', id: call.pep.id },
      payload: {
        requestId: call.requestId,
        pepClientId: call.pep.clientId,
        ...(viewer.kind === 'agent' ? { tokenId: viewer.tokenId } : {}),
        decisions: trail.slice(0, 200),
      },
    });
  }
  return decisions;
}

async function verified(
  modules: AuthzenModules,
  call: EvaluationCall,
  item: EvaluationRequest,
): Promise<Verified> {
  const subject = await verifySubject(modules.authenticator, item.subject);
  if (!subject.ok) {
    // A PEP naming a subject its token does not prove: one calm line and an audit event.
    modules.logger.info(
      { pepClient: call.pep.clientId, requestId: call.requestId },
      `authzen subject refused: ${subject.message}`,
    );
    modules.auditBatcher.enqueue({
      type: 'authzen.subject-refused',
      actor: {},
      subject: { kind: 'pep-client', id: call.pep.id },
      payload: {
        requestId: call.requestId,
        pepClientId: call.pep.clientId,
        claimedSubject: item.subject.id.slice(0, 320),
        reason: subject.message,
      },
    });
    return subject;
  }
  const slice = await modules.access.sliceFor(subject.viewer, { name: 'authzen', client: call.pep.name });
  return { ok: true, viewer: subject.viewer, reader: new SliceCatalogReader(slice) };
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
    const review = reviewApproval(grant, item.resource, action, decided);
    context = { ...context, ...review.context };
    offerRequest = review.requestAgain;
  }
  if (offerRequest && viewer.kind === 'agent') {
    const binding = await modules.bindings.issue(
      viewer,
      { type: item.resource.type, id: item.resource.id },
      action,
      call.origin,
    );
    context.evaluation_id = binding.evaluationId;
    context.evaluated_at = new Date().toISOString();
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
