import { graphql } from '../../graphql/graphql.ts';

/**
 * Everything the Slack prompt shows an approver, for each request waiting for them: the newest 50
 * (more would pass the API's query cost limit; deciding some brings the next ones in).
 */
export const awaitingMyDecisionQuery = graphql(`
  query ConsoleAwaitingMyDecision {
    myAccessRequests(role: AWAITING_MY_DECISION, first: 50) {
      totalCount
      edges {
        node {
          id
          createdAt
          expiresAt
          paths
          tier
          scope
          intent
          taskId
          justification
          requestedDurationSeconds
          extendsGrantId
          human { name email title department }
          agents { clientId name }
          objects {
            path
            kind
            domain
            sensitivity
            tags
            owners { email name steward }
          }
          ruleId
          approvals
          requiredApprovals
          approvalSteps {
            name
            required
            open
            satisfied
            objects {
              path
              approvals
              waiting
              approvers { email name }
              approvedBy { email name }
            }
          }
          similarDecisions { approved denied }
          viewerCanDecide
          viewerCanApprove
          consent { state answer position }
        }
      }
    }
  }
`);

export const approveMutation = graphql(`
  mutation ConsoleApproveAccessRequest($requestId: ID!, $duration: String) {
    approveAccessRequest(input: { requestId: $requestId, duration: $duration }) {
      id
      status
      approvals
      requiredApprovals
      approvedDurationSeconds
    }
  }
`);

export const denyMutation = graphql(`
  mutation ConsoleDenyAccessRequest($requestId: ID!, $reason: String!) {
    denyAccessRequest(input: { requestId: $requestId, reason: $reason }) { id status }
  }
`);
