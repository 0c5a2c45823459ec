import type { AccessExplanationShape } from '../catalog/read/catalog-reader.ts';
import { type ActionName, catalogKindOf, type Resource, type ResourceType } from './authzen-schemas.ts';

/** A Decision of the Authorization API (§5.5): the answer and what the PEP needs to enforce it. */
export interface Decision {
  decision: boolean;
  context?: Record<string, unknown>;
}

/** What the slice decided for one (action, resource), before any access-request material is added. */
export interface AccessDecision extends Decision {
  /** A read denied on an object the agent may discover: an access request could change it. */
  requestable: boolean;
}

/**
 * The catalog path a resource names: glossary terms live under `glossary:`, so a term is never
 * taken for a metric of the same name (nor a metric for a term).
 */
export function catalogPath(resource: Pick<Resource, 'type' | 'id'>): { type: ResourceType; path: string } {
  return {
    type: resource.type,
    path: resource.type === 'glossary_term' ? `glossary:${resource.id}` : resource.id,
  };
}

/** The one answer for an object that does not exist and one the subject may not know of. */
export const notFound: AccessDecision = {
  decision: false,
  context: { reason: 'not_found' },
  requestable: false,
};

/**
 * Decides one (action, resource) from the subject's slice, the same compiled policy every other
 * door reads. `explain` answers null for what the subject may not discover, so a hidden object
 * and a missing one get the same answer, word for word. The reasons name policies, grants and
 * limits only, never a hidden object (explain leaves those out).
 */
export function decideAccess(
  explain: (path: string) => AccessExplanationShape | null,
  action: ActionName,
  resource: Pick<Resource, 'type' | 'id'>,
  canRequest: boolean,
): AccessDecision {
  const explanation = explain(catalogPath(resource).path);
  if (!explanation || explanation.kind !== catalogKindOf[resource.type]) return notFound;
  const tier = explanation.tier === 'READ' ? 'read' : 'discover';
  const decision = action === 'discover' || tier === 'read';
  const context: Record<string, unknown> = {
    tier,
    policy_version: explanation.policyVersion,
    reasons: {
      allowed_by: explanation.allowedBy,
      denied_by: explanation.deniedBy,
      capped_by: explanation.cappedBy,
    },
  };
  if (decision && action === 'read') {
    // Obligations of a read: how a column's values reach the subject, which rows of a dataset.
    if (explanation.mask) context.mask = maskShape(explanation.mask);
    if (explanation.rowFilter) context.row_filter = explanation.rowFilter;
  }
  const requestable = !decision && canRequest;
  if (!decision) context.reason = requestable ? 'approval_required' : 'read_not_allowed';
  return { decision, context, requestable };
}

function maskShape(mask: NonNullable<AccessExplanationShape['mask']>): Record<string, unknown> {
  return {
    method: mask.method,
    ...(mask.keepLast !== undefined ? { keep_last: mask.keepLast } : {}),
    ...(mask.expression !== undefined ? { expression: mask.expression } : {}),
    policy: mask.policyId,
  };
}
