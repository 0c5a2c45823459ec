import { viewerAuditActor } from '../identity/viewer.ts';
import { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';
import { AuthzenRequestError } from './authzen-answers.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import { defaultSearchPageSize, describeProblems, resourceSearchRequestSchema } from './authzen-schemas.ts';
import type { EvaluationCall } from './evaluate-items.ts';
import { type SearchPage, searchResources } from './resource-search.ts';
import { searchFingerprint } from './search-page-token.ts';
import { verifySubject } from './verify-subject.ts';

/**
 * POST /access/v1/search/resource (§8.5): the objects of one type the verified subject may
 * discover or read, from the same slice every evaluation reads. A subject the PEP cannot prove
 * is a 403: a search has no decision to deny.
 */
export async function resourceSearch(
  modules: AuthzenModules,
  call: EvaluationCall,
  body: unknown,
): Promise<SearchPage> {
  const parsed = resourceSearchRequestSchema.safeParse(body);
  if (!parsed.success) throw new AuthzenRequestError(400, describeProblems(parsed.error));
  const { subject, action, resource, context, page } = parsed.data;
  const verified = await verifySubject(modules.authenticator, subject);
  if (!verified.ok) {
    modules.logger.info(
      { pepClient: call.pep.clientId, requestId: call.requestId },
      `authzen subject refused: ${verified.message}`,
    );
    throw new AuthzenRequestError(403, verified.message);
  }
  const { viewer } = verified;
  const reader = new SliceCatalogReader(
    await modules.access.sliceFor(viewer, { name: 'authzen', client: call.pep.name }),
  );
  const limit = page?.limit ?? defaultSearchPageSize;
  // The search as the first request made it, and who it was for: a token fits this search alone.
  const fingerprint = searchFingerprint([
    viewer.human.id,
    viewer.kind === 'agent' ? [viewer.chain.map((agent) => agent.id), viewer.intent, viewer.taskId] : null,
    subject.id,
    action.name,
    resource.type,
    context ?? null,
    limit,
    call.pep.id,
  ]);
  const outcome = searchResources((kind, readableOnly) => reader.visiblePaths(kind, readableOnly), {
    type: resource.type,
    action: action.name,
    limit,
    token: page?.token,
    fingerprint,
  });
  if (!outcome.ok) throw new AuthzenRequestError(400, outcome.message);
  modules.auditBatcher.enqueue({
    type: 'authzen.searched',
    actor: viewerAuditActor(viewer),
    intent: viewer.kind === 'agent' ? viewer.intent : null,
    policyVersion: reader.policyVersion,
    subject: { kind: 'pep-client', id: call.pep.id },
    payload: {
      requestId: call.requestId,
      pepClientId: call.pep.clientId,
      resourceType: resource.type,
      action: action.name,
      objects: outcome.answer.results.map((result) => result.id),
    },
  });
  return outcome.answer;
}
