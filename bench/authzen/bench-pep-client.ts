import { GovernanceClient } from '../../test/support/governance-client.ts';
import type { TestIdentityProvider } from '../../test/support/test-identity-provider.ts';
import { personEmail } from '../company/large-company.ts';

/**
 * Registers the bench's gateway as a PEP client, as a gateway's operator would: GraphQL
 * `registerPepClient` as person0, who governs the bench company. Returns the HTTP Basic header it
 * sends on every /access/v1 call (client id and secret, form-encoded as RFC 6749 §2.3.1 asks).
 */
export async function registerBenchPep(
  service: { graphqlUrl: string },
  idp: TestIdentityProvider,
): Promise<{ clientId: string; authorization: string }> {
  const governance = new GovernanceClient(service.graphqlUrl, await idp.token(personEmail(0)));
  const registered = await governance.run(
    'mutation ($input: RegisterPepClientInput!) { registerPepClient(input: $input) { clientSecret pepClient { clientId } } }',
    { input: { name: 'Bench gateway', description: 'npm run bench:authzen' } },
  );
  const data = registered.data as
    | { registerPepClient: { clientSecret: string; pepClient: { clientId: string } } }
    | undefined;
  if (registered.errors || !data) throw new Error(`registerPepClient: ${JSON.stringify(registered.errors)}`);
  const { clientSecret, pepClient } = data.registerPepClient;
  const basic = Buffer.from(
    `${encodeURIComponent(pepClient.clientId)}:${encodeURIComponent(clientSecret)}`,
  ).toString('base64');
  return { clientId: pepClient.clientId, authorization: `Basic ${basic}` };
}
