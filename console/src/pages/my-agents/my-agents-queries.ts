import { graphql } from '../../graphql/graphql.ts';

export const myDelegationsQuery = graphql(`
  query ConsoleMyDelegations {
    myDelegations {
      tokenId
      chain { clientId name }
      intent
      taskId
      issuedAt
      expiresAt
      subDelegations
      subAgents { clientId name }
      grants { id paths tier scope status expiresAt createdAt intent taskId }
      requests { id status paths tier createdAt decidedAt agents { clientId name } consent { state answer } }
    }
  }
`);

/** Every grant in force made for me, whether or not an agent acts for me now. */
export const myActiveGrantsQuery = graphql(`
  query ConsoleMyActiveGrants {
    myGrants(statuses: [ACTIVE], first: 100) {
      totalCount
      edges { node { id paths tier scope status expiresAt createdAt intent taskId agents { clientId name } } }
    }
  }
`);

export const revokeDelegationMutation = graphql(`
  mutation ConsoleRevokeDelegation($tokenId: String!, $reason: String) {
    revokeDelegationToken(tokenId: $tokenId, reason: $reason)
  }
`);

export const revokeGrantMutation = graphql(`
  mutation ConsoleRevokeGrant($id: ID!, $reason: String!) {
    revokeGrant(id: $id, reason: $reason) { id status }
  }
`);
