import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import type { AuditBatcher } from '../audit/index.ts';
import { viewerAuditActor } from '../identity/viewer.ts';
import type { GraphQLContext } from './context.ts';

/**
 * After each operation, one audit event for what the viewer was shown: the viewer and agent chain,
 * the intent, the policy version and the ids of the catalog objects returned. Written in batches
 * (reads have nothing to commit with), so auditing does not serialize queries.
 */
export function useSliceAudit(batcher: AuditBatcher): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone() {
          const context = args.contextValue as GraphQLContext;
          const { viewer, catalog } = context;
          const objects = catalog.handedOut();
          if (viewer.kind === 'anonymous' || objects.length === 0) return;
          batcher.enqueue({
            type: 'slice.queried',
            actor: viewerAuditActor(viewer),
            intent: viewer.kind === 'agent' ? viewer.intent : null,
            policyVersion: catalog.policyVersion,
            subject: {
              kind: 'graphql-operation',
              id: getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous',
            },
            payload: {
              requestId: context.requestId,
              ...(viewer.kind === 'agent' ? { tokenId: viewer.tokenId, taskId: viewer.taskId } : {}),
              objects,
            },
          });
        },
      };
    },
  };
}
