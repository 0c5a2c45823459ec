import type { Plugin } from 'graphql-yoga';

/**
 * graphql-js helps a caller with "Did you mean ...?" after an unknown field, argument, type or
 * enum value: a way to read the schema without introspection. graphql-armor's plugin strips only
 * the `Did you mean "x"?` form (not `Did you mean the enum value "READ"?`), so we strip every form,
 * from validation errors and from the variable errors raised when execution starts.
 */
export function withoutSuggestions<T extends Error>(error: T): T {
  error.message = error.message.replace(/\s*Did you mean [^?]*\?/g, '');
  return error;
}

export function useNoSuggestions(): Plugin {
  return {
    onValidate: () =>
      function onValidateEnd({ valid, result, setResult }) {
        if (!valid) setResult(result.map(withoutSuggestions));
      },
  };
}
