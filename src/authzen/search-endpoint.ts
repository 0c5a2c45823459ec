import { AuthzenRequestError } from './authzen-answers.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import { defaultSearchPageSize, resourceSearchRequestSchema } from './authzen-schemas.ts';
import { parseRequest } from './parse-request.ts';
import { type SearchPage, searchResources } from './resource-search.ts';
import { searchFingerprint } from './search-page-token.ts';
import { type EvaluationCall, subjectAudit, subjectReader } from './subject-reader.ts';

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
  const { subject, action, resource, context, page } = parseRequest(resourceSearchRequestSchema, body);
  const subjectRead = await subjectReader(modules, call, subject);
  if (!subjectRead.ok) throw new AuthzenRequestError(403, subjectRead.message);
  const { viewer, reader } = subjectRead;
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
  const audit = subjectAudit(viewer);
  modules.auditBatcher.enqueue({
    type: 'authzen.searched',
    actor: audit.actor,
    intent: audit.intent,
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
