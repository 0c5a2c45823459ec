import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql.ts';

export const explainPickersQuery = graphql(`
  query ConsoleExplainPickers {
    agents(first: 200) { edges { node { clientId name status parent { clientId } } } }
    intents { name description }
  }
`);

export const explainAccessForQuery = graphql(`
  query ConsoleExplainAccessFor(
    $humanEmail: String!
    $agentClientIds: [String!]
    $intent: String
    $channel: Channel
    $path: String!
  ) {
    explainAccessFor(
      humanEmail: $humanEmail
      agentClientIds: $agentClientIds
      intent: $intent
      channel: $channel
      path: $path
    ) {
      path
      kind
      tier
      policyVersion
      allowedBy
      deniedBy
      cappedBy
      maskMethod
      maskPolicy
      rowFilter
      vendedRoles
    }
  }
`);

export const simulateAccessQuery = graphql(`
  query ConsoleSimulateAccess($humanEmail: String!, $agentClientIds: [String!], $intent: String, $channel: Channel) {
    simulateAccess(humanEmail: $humanEmail, agentClientIds: $agentClientIds, intent: $intent, channel: $channel) {
      path
      kind
      tier
      visibleColumns
      maskedColumns
      rowFilter
    }
  }
`);

export type Channel = NonNullable<VariablesOf<typeof simulateAccessQuery>['channel']>;
export type Explanation = NonNullable<ResultOf<typeof explainAccessForQuery>['explainAccessFor']>;
export type SimulatedObject = ResultOf<typeof simulateAccessQuery>['simulateAccess'][number];
export type PickerAgent = ResultOf<typeof explainPickersQuery>['agents']['edges'][number]['node'];

export const channels: readonly Channel[] = ['MCP', 'GRAPHQL', 'OAUTH', 'SLACK', 'CONSOLE', 'CLI', 'JOB'];
