import {
  type QueryKey,
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { TadaDocumentNode } from 'gql.tada';
import type { DocumentNode } from 'graphql';
import type { ApiError } from './api-error.ts';
import { graphqlRequest } from './graphql-request.ts';
import { useSession } from './session-context.tsx';

/** A typed GraphQL query, cached under its operation and variables, refetched on focus. */
export function useApiQuery<Data, Variables>(
  document: TadaDocumentNode<Data, Variables>,
  variables: Variables,
  options: { enabled?: boolean; refetchIntervalMs?: number } = {},
): UseQueryResult<Data, ApiError> {
  const { csrfToken, onUnauthenticated } = useSession();
  return useQuery<Data, ApiError>({
    queryKey: [operationName(document), variables] as QueryKey,
    queryFn: () => graphqlRequest(csrfToken, document, variables).catch(onUnauthenticated),
    enabled: options.enabled ?? true,
    ...(options.refetchIntervalMs ? { refetchInterval: options.refetchIntervalMs } : {}),
  });
}

/**
 * A typed GraphQL mutation. On success the page's data is refetched: a decision or a revocation
 * changes what several pages show, and the server, not the page, says what it changed. A dry run
 * (`dryRun: true`) changed nothing, and the session is not the API's data: neither is refetched.
 */
export function useApiMutation<Data, Variables>(
  document: TadaDocumentNode<Data, Variables>,
): UseMutationResult<Data, ApiError, Variables> {
  const { csrfToken, onUnauthenticated } = useSession();
  const queryClient = useQueryClient();
  return useMutation<Data, ApiError, Variables>({
    mutationFn: (variables) => graphqlRequest(csrfToken, document, variables).catch(onUnauthenticated),
    onSuccess: (_data, variables) => {
      if (isDryRun(variables)) return;
      return queryClient.invalidateQueries({
        predicate: (query) => !sessionQueryKeys.has(String(query.queryKey[0])),
      });
    },
  });
}

function operationName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition' && definition.name) return definition.name.value;
  }
  return 'anonymous';
}

/** Queries that are not the API's data (main.tsx, sign-in.tsx). */
const sessionQueryKeys = new Set(['session', 'demo-people']);

function isDryRun(variables: unknown): boolean {
  return (
    typeof variables === 'object' && variables !== null && (variables as { dryRun?: unknown }).dryRun === true
  );
}
