import { graphql } from './graphql-client.ts';

/** Governance operations over GraphQL, as a governance lead's human token. */
export class GovernanceClient {
  constructor(
    private readonly graphqlUrl: string,
    private readonly token: string,
  ) {}

  async createIntent(input: Record<string, unknown>): Promise<void> {
    const result = await graphql(
      this.graphqlUrl,
      'mutation ($input: IntentInput!) { createIntent(input: $input) { name } }',
      { input },
      this.token,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
  }

  async registerAgent(input: Record<string, unknown>): Promise<{ clientId: string; clientSecret: string }> {
    const result = await graphql<{ registerAgent: { clientSecret: string; agent: { clientId: string } } }>(
      this.graphqlUrl,
      'mutation ($input: RegisterAgentInput!) { registerAgent(input: $input) { clientSecret agent { clientId } } }',
      { input },
      this.token,
    );
    if (result.errors || !result.data) throw new Error(JSON.stringify(result.errors));
    return {
      clientId: result.data.registerAgent.agent.clientId,
      clientSecret: result.data.registerAgent.clientSecret,
    };
  }

  /** Runs a mutation of the form `name(clientId:)` and returns the raw result. */
  agentMutation(name: 'suspendAgent' | 'reactivateAgent' | 'retireAgent', clientId: string) {
    return graphql(
      this.graphqlUrl,
      `mutation ($clientId: String!) { ${name}(clientId: $clientId) { status } }`,
      { clientId },
      this.token,
    );
  }

  run(query: string, variables: Record<string, unknown> = {}) {
    return graphql(this.graphqlUrl, query, variables, this.token);
  }
}
