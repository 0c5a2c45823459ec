import { graphql, type ResultOf } from '../../graphql/graphql.ts';

export const agentsQuery = graphql(`
  query ConsoleAgents($after: String) {
    agents(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          clientId
          name
          description
          ownerEmail
          status
          createdAt
          allowedIntents
          maxDelegationDepth
          statusChangedAt
          lastUsedAt
          liveTokens
          activeGrants
          parent { clientId name }
          children { clientId name status }
          ceiling { maxTier maxSensitivity paths requiredTags excludedTags }
        }
      }
    }
  }
`);

export type AgentNode = ResultOf<typeof agentsQuery>['agents']['edges'][number]['node'];
