import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../metrics/metrics.ts';

type OperationMetrics = Pick<Metrics, 'graphqlDuration' | 'operationNames'>;

/**
 * Times each executed operation (a subscription: until its stream is set up) by type, name and
 * outcome. The name is the caller's: BoundedLabel keeps it to GraphQL names and caps how many
 * distinct ones this process shows (the rest are `other`).
 */
export function useOperationMetrics(metrics: OperationMetrics): Plugin {
  const timed = (document: DocumentNode, operationName: string | null | undefined) => {
    const started = performance.now();
    const operation = getOperationAST(document, operationName);
    const labels = {
      type: operation?.operation ?? 'unknown',
      name: metrics.operationNames.labelFor(operation?.name?.value),
    };
    return (failed: boolean) =>
      metrics.graphqlDuration.observe(
        { ...labels, outcome: failed ? 'error' : 'success' },
        (performance.now() - started) / 1000,
      );
  };
  return {
    onExecute({ args }) {
      const done = timed(args.document, args.operationName);
      return { onExecuteDone: ({ result }) => done(hasErrors(result)) };
    },
    onSubscribe({ args }) {
      const done = timed(args.document, args.operationName);
      return { onSubscribeResult: ({ result }) => done(hasErrors(result)) };
    },
  };
}

function hasErrors(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'errors' in result && Boolean(result.errors);
}
