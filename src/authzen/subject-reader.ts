import { viewerAuditActor } from '../identity/viewer.ts';
import { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import type { Subject } from './authzen-schemas.ts';
import { type VerifiedViewer, verifySubject } from './verify-subject.ts';

/** One call's setting: who asks (the PEP), where (the PDP's identifier), under which request id. */
export interface EvaluationCall {
  pep: { id: string; clientId: string; name: string };
  origin: string;
  requestId: string;
}

export type SubjectReading =
  | { ok: true; viewer: VerifiedViewer; reader: SliceCatalogReader }
  | { ok: false; message: string };

/**
 * The subject a PEP names, verified from the token it forwards, and the reader of its slice
 * (decided for the `authzen` channel and this PEP). A subject the PEP cannot prove is one calm
 * log line and an audit event naming the PEP and whom it claimed, never the token.
 */
export async function subjectReader(
  modules: AuthzenModules,
  call: EvaluationCall,
  subject: Subject,
): Promise<SubjectReading> {
  const verified = await verifySubject(modules.authenticator, subject);
  if (!verified.ok) {
    modules.logger.info(
      { pepClient: call.pep.clientId, requestId: call.requestId },
      `authzen subject refused: ${verified.message}`,
    );
    modules.auditBatcher.enqueue({
      type: 'authzen.subject-refused',
      actor: {},
      subject: { kind: 'pep-client', id: call.pep.id },
      payload: {
        requestId: call.requestId,
        pepClientId: call.pep.clientId,
        claimedSubject: subject.id.slice(0, 320),
        reason: verified.message,
      },
    });
    return verified;
  }
  const slice = await modules.access.sliceFor(verified.viewer, { name: 'authzen', client: call.pep.name });
  return { ok: true, viewer: verified.viewer, reader: new SliceCatalogReader(slice) };
}

/** The audit actor and intent of a verified subject. */
export function subjectAudit(viewer: VerifiedViewer) {
  return {
    actor: viewerAuditActor(viewer),
    intent: viewer.kind === 'agent' ? viewer.intent : null,
    tokenPayload: viewer.kind === 'agent' ? { tokenId: viewer.tokenId } : {},
  };
}
