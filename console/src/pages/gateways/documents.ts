import { graphql, type ResultOf } from '../../graphql/graphql.ts';

export const pepClientsQuery = graphql(`
  query ConsolePepClients {
    pepClients { clientId name description status createdAt statusChangedAt lastUsedAt }
  }
`);

export type PepClientNode = ResultOf<typeof pepClientsQuery>['pepClients'][number];

export const registerPepClientMutation = graphql(`
  mutation ConsoleRegisterPepClient($input: RegisterPepClientInput!) {
    registerPepClient(input: $input) { clientSecret pepClient { clientId name } }
  }
`);

export const rotatePepClientSecretMutation = graphql(`
  mutation ConsoleRotatePepClientSecret($clientId: String!) {
    rotatePepClientSecret(clientId: $clientId) { clientSecret pepClient { clientId name } }
  }
`);

export const suspendPepClientMutation = graphql(`
  mutation ConsoleSuspendPepClient($clientId: String!, $reason: String) {
    suspendPepClient(clientId: $clientId, reason: $reason) { clientId status }
  }
`);

export const reactivatePepClientMutation = graphql(`
  mutation ConsoleReactivatePepClient($clientId: String!, $reason: String) {
    reactivatePepClient(clientId: $clientId, reason: $reason) { clientId status }
  }
`);

export const retirePepClientMutation = graphql(`
  mutation ConsoleRetirePepClient($clientId: String!, $reason: String) {
    retirePepClient(clientId: $clientId, reason: $reason) { clientId status }
  }
`);

/** A secret just issued (at registration or rotation): held by the page only until it is hidden or left. */
export interface IssuedSecret {
  issued: 'registered' | 'rotated';
  clientId: string;
  name: string;
  clientSecret: string;
}
