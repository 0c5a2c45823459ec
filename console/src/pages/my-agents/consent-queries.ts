import { graphql, type ResultOf } from '../../graphql/graphql.ts';

/**
 * What the person's confirmation prompt shows of each request their agents made in their name and
 * that waits for them: the same facts the Slack DM shows (chain, intent, task, objects, tier,
 * duration, justification), oldest first.
 */
export const awaitingMyConfirmationQuery = graphql(`
  query ConsoleAwaitingMyConfirmation {
    awaitingMyConfirmation(first: 50) {
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
      agents { clientId name }
      objects {
        path
        kind
        domain
        sensitivity
        tags
        owners { email name steward }
      }
      consent { state position }
      viewerCanConfirm
    }
  }
`);

export type AwaitingConfirmation = ResultOf<
  typeof awaitingMyConfirmationQuery
>['awaitingMyConfirmation'][number];

export const confirmAccessRequestMutation = graphql(`
  mutation ConsoleConfirmAccessRequest($requestId: ID!, $answer: ConsentAnswer!, $days: Int) {
    confirmAccessRequest(input: { requestId: $requestId, answer: $answer, days: $days }) {
      request { id status consent { state answer } }
      standingConsent { id scope expiresAt }
      delegationRevoked
    }
  }
`);

export type ConfirmationResult = ResultOf<typeof confirmAccessRequestMutation>['confirmAccessRequest'];

/** The person's standing consents in force, newest first. */
export const myStandingConsentsQuery = graphql(`
  query ConsoleMyStandingConsents {
    myStandingConsents {
      id
      scope
      agents { clientId name }
      intent
      taskId
      paths
      tier
      createdAt
      expiresAt
      lastUsedAt
      uses
    }
  }
`);

export type HeldStandingConsent = ResultOf<typeof myStandingConsentsQuery>['myStandingConsents'][number];

export const revokeStandingConsentMutation = graphql(`
  mutation ConsoleRevokeStandingConsent($id: ID!) {
    revokeStandingConsent(id: $id) { id endedAt }
  }
`);
