import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql.ts';

export const auditEventsQuery = graphql(`
  query ConsoleAuditEvents($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          index
          type
          occurredAt
          intent
          policyVersion
          leafHash
          subject { kind id }
          actor {
            humanId
            human { name email }
            agentChain
            agents { id clientId name }
          }
          payload
        }
      }
    }
  }
`);

export const auditLogStatusQuery = graphql(`
  query ConsoleAuditLogStatus {
    auditLogStatus {
      size
      latestCheckpoint { size rootHash signedAt note verifierKey }
      witnesses { name ok size failures lastError }
      verification { ok checkedSize problems verifiedAt }
    }
  }
`);

/** What the filters offer to pick from: the agents and the intents. */
export const auditPickersQuery = graphql(`
  query ConsoleAuditPickers {
    agents(first: 200) { edges { node { clientId name } } }
    intents { name }
  }
`);

export type AuditEventFilter = NonNullable<VariablesOf<typeof auditEventsQuery>['filter']>;
export type AuditEventNode = ResultOf<typeof auditEventsQuery>['auditEvents']['edges'][number]['node'];
export type AuditLogStatus = ResultOf<typeof auditLogStatusQuery>['auditLogStatus'];
