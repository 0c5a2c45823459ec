import { type ASTNode, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ApertureError } from '../shared/errors.ts';
import { maskError } from './errors.ts';

const introspectionFields = new Set(['__schema', '__type']);

/**
 * Turns schema introspection (`__schema`, `__type`) off when `enabled` is false (production, unless
 * GRAPHQL_INTROSPECTION says otherwise). `__typename` stays: it names only the type being selected.
 * Callers without a token never get this far (see `useAuthentication`).
 */
export function useIntrospectionControl(enabled: boolean): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (enabled || !asksForIntrospection(args.document)) return;
      setResultAndStopExecution({
        errors: [maskError(new ApertureError('FORBIDDEN', 'introspection is turned off on this server'))],
      });
    },
  };
}

/** Whether any selection of the document (fragments included) is `__schema` or `__type`. */
function asksForIntrospection(node: ASTNode): boolean {
  if (node.kind === Kind.FIELD && introspectionFields.has(node.name.value)) return true;
  if (node.kind === Kind.DOCUMENT) return node.definitions.some(asksForIntrospection);
  if ('selectionSet' in node && node.selectionSet) {
    return node.selectionSet.selections.some(asksForIntrospection);
  }
  return false;
}
