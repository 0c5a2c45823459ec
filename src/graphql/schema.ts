import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/health.ts';
import './types/domain.ts';
import './types/source.ts';
import './types/dataset.ts';
import './types/column.ts';
import './types/dimension.ts';
import './types/join-path.ts';
import './types/metric.ts';
import './types/glossary-term.ts';
import './types/viewer.ts';
import './types/intent.ts';
import './types/agent.ts';
import './types/pep-client.ts';
import './types/explain-access.ts';
import './types/search.ts';
import './types/policies.ts';
import './types/rules.ts';
import './types/grant.ts';
import './types/access-request.ts';
import './types/delegation.ts';
import './types/consent.ts';
import './types/mining/rule-suggestion.ts';
import './types/mining/review-suggestion.ts';
import './types/mining/simulate-rule.ts';
import './types/mining/mining-run.ts';
import './types/audit-events.ts';
import './types/audit-status.ts';
import './types/request-stats.ts';
import './types/database-credential.ts';

export const schema = builder.toSchema();

/** The SDL checked in at schema/schema.graphql, sorted so diffs stay readable. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
