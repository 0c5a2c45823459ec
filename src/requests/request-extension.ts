import { requireAgent, type Viewer } from '../identity/viewer.ts';
import { ApertureError } from '../shared/errors.ts';
import { validateInput } from '../shared/validate.ts';
import { type FiledRequest, fileAccessRequest } from './file-request.ts';
import type { RequestDeps } from './request-deps.ts';
import { type ExtensionInput, extensionInputSchema, grantNotFound, isUuid } from './request-input.ts';

/**
 * An agent asks to keep a grant longer: a new request for the same objects, decided by the same
 * rules and approvers; at most `maxExtensions` times per grant.
 */
export async function requestGrantExtension(
  deps: RequestDeps,
  actor: Viewer,
  rawInput: ExtensionInput,
): Promise<FiledRequest> {
  const viewer = requireAgent(actor, 'Extending a grant');
  const input = validateInput(extensionInputSchema, rawInput, 'input');
  const grant = isUuid(input.grantId)
    ? await deps.prisma.grant.findUnique({ where: { id: input.grantId } })
    : null;
  const chain = viewer.chain.map((agent) => agent.id);
  if (
    !grant ||
    grant.humanId !== viewer.human.id ||
    grant.intent !== viewer.intent ||
    grant.chain.join('>') !== chain.join('>')
  ) {
    throw grantNotFound(input.grantId);
  }
  if (grant.status !== 'ACTIVE' || grant.expiresAt <= new Date()) {
    throw new ApertureError(
      'CONFLICT',
      `grant ${grant.id} is ${grant.status.toLowerCase()}: it cannot be extended`,
    );
  }
  if (grant.extensions >= deps.config.maxExtensions) {
    throw new ApertureError(
      'CONFLICT',
      `grant ${grant.id} was already extended ${grant.extensions} times (the limit is ${deps.config.maxExtensions})`,
    );
  }
  return fileAccessRequest(
    deps,
    viewer,
    {
      paths: grant.paths,
      tier: grant.tier,
      justification: input.justification,
      duration: input.duration,
      scope: grant.scope,
    },
    { id: grant.id },
  );
}
