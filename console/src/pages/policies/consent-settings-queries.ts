import { graphql } from '../../graphql/graphql.ts';

export const consentSettingsQuery = graphql(`
  query ConsoleConsentSettings {
    consentSettings { subAgentRequests notMeRevokesDelegation updatedAt updatedBy }
  }
`);

export const updateConsentSettingsMutation = graphql(`
  mutation ConsoleUpdateConsentSettings($input: ConsentSettingsInput!) {
    updateConsentSettings(input: $input) { subAgentRequests notMeRevokesDelegation updatedAt updatedBy }
  }
`);
