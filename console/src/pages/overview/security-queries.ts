import { graphql, type ResultOf } from '../../graphql/graphql.ts';

/** The audit type of a person's "not me" answer (src/requests/consent/confirm-request.ts). */
export const notMeEventType = 'security.not-me';

/** The newest "not me" answers, through the audit log (governance only). */
export const securityEventsQuery = graphql(`
  query ConsoleSecurityEvents($types: [String!]!) {
    auditEvents(filter: { types: $types }, first: 20) {
      pageInfo { hasNextPage }
      edges {
        node {
          id
          occurredAt
          intent
          subject { kind id }
          actor {
            humanId
            human { name email }
            agents { id clientId name }
          }
          payload
        }
      }
    }
  }
`);

export type SecurityEventNode = ResultOf<typeof securityEventsQuery>['auditEvents']['edges'][number]['node'];
