import { graphql, type ResultOf } from '../../graphql/graphql.ts';

export const currentPoliciesQuery = graphql(`
  query ConsolePolicies {
    policies { version policies }
  }
`);

export const currentRulesQuery = graphql(`
  query ConsoleRules {
    rules { version rules }
  }
`);

/** What a preview or an apply answers, the same for policies and rules (rules change no one's access). */
export const applyResultFields = graphql(`
  fragment ConsoleApplyResult on ApplyResult {
      applied
      version
      added
      changed
      removed
      unchanged
      accessChangeCount
      peopleAffected
      accessChanges {
        human { name email }
        path
        kind
        before
        after
        gained
      }
  }
`);

export const applyPoliciesMutation = graphql(
  `
  mutation ConsoleApplyPolicies($policies: JSON!, $dryRun: Boolean!) {
    applyPolicies(policies: $policies, dryRun: $dryRun) {
      ...ConsoleApplyResult
    }
  }
`,
  [applyResultFields],
);

export const applyRulesMutation = graphql(
  `
  mutation ConsoleApplyRules($rules: JSON!, $dryRun: Boolean!) {
    applyRules(rules: $rules, dryRun: $dryRun) {
      ...ConsoleApplyResult
    }
  }
`,
  [applyResultFields],
);

/** What applying (or previewing) a set answered; the same shape for policies and rules. */
export type ApplyOutcome = ResultOf<typeof applyResultFields>;
export type AccessChange = ApplyOutcome['accessChanges'][number];
