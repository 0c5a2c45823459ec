import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql.ts';

// graphql-armor prices every field by its depth (at most 20,000): the list asks only what it shows.
export const suggestionsQuery = graphql(`
  query ConsoleRuleSuggestions($status: [RuleSuggestionStatus!]) {
    ruleSuggestions(first: 100, status: $status) {
      totalCount
      edges {
        node {
          id
          status
          action
          summary
          support
          approved
          denied
          rate
          lowerBound
          confidence
          distinctApprovers
          distinctTeams
          teams
          backtest { autoDecided overturned overturnRate }
          reach { undecidedPairs humans resources }
          conflicts { ruleId action sharedDecisions }
          promise { calibration }
        }
      }
    }
  }
`);

export const suggestionQuery = graphql(`
  query ConsoleRuleSuggestion($id: ID!) {
    ruleSuggestion(id: $id) {
      id
      status
      action
      summary
      conditions { attribute operator value }
      support
      approved
      denied
      rate
      lowerBound
      confidence
      distinctApprovers
      distinctTeams
      teams
      consentedAlways
      notMe
      backtest { agreed autoDecided overturned overturnRate from to }
      reach { pairs decidedPairs undecidedPairs humans resources }
      conflicts { ruleId action sharedDecisions }
      previousRejection { suggestionId rejectedAt reason support lowerBound }
      promise { text heldOut { denials falseApprovals falseApprovalUpperBound } }
      evidence
      ruleDraft
      acceptedRuleId
      rejectReason
      reviewedAt
      reviewedByEmail
      createdAt
    }
  }
`);

export const acceptSuggestionMutation = graphql(`
  mutation ConsoleAcceptRuleSuggestion($id: ID!, $edits: AcceptRuleSuggestionInput) {
    acceptRuleSuggestion(id: $id, edits: $edits) {
      rule
      ruleSetVersion
      suggestion { id status acceptedRuleId }
    }
  }
`);

export const rejectSuggestionMutation = graphql(`
  mutation ConsoleRejectRuleSuggestion($id: ID!, $reason: String!) {
    rejectRuleSuggestion(id: $id, reason: $reason) { id status rejectReason }
  }
`);

export const simulateRuleQuery = graphql(`
  query ConsoleSimulateRule($rule: JSON!) {
    simulateRule(rule: $rule) {
      ruleId
      action
      decisions
      matched
      matchedApproved
      matchedDenied
      overturned
      overturnRate
      overturnedExamples
      withRules { decidedByDraft approve deny route }
      notMe { matched approvedByDraft approvedWithRules approvedExamples }
    }
  }
`);

export const runMiningMutation = graphql(`
  mutation ConsoleRunMining {
    runMining {
      id
      decisions
      requests
      suggestions { mined new refreshed resurfaced superseded }
      stats
      calibration { text }
      vetoed { id conditions { attribute operator value } support approved lowerBound notMe notMeExamples }
    }
  }
`);

export type SuggestionStatus = NonNullable<VariablesOf<typeof suggestionsQuery>['status']>[number];
export type SuggestionSummary = ResultOf<typeof suggestionsQuery>['ruleSuggestions']['edges'][number]['node'];
export type SuggestionDetail = NonNullable<ResultOf<typeof suggestionQuery>['ruleSuggestion']>;
export type AcceptEdits = NonNullable<VariablesOf<typeof acceptSuggestionMutation>['edits']>;
export type RuleSimulation = ResultOf<typeof simulateRuleQuery>['simulateRule'];
export type MiningRun = ResultOf<typeof runMiningMutation>['runMining'];
export type VetoedRule = MiningRun['vetoed'][number];
