import { graphql } from '../../graphql/graphql.ts';

/** Requests and decisions per bucket, and how long people took to decide (governance only). */
export const requestStatsQuery = graphql(`
  query ConsoleRequestStats($from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {
    accessRequestStats(from: $from, to: $to, bucket: $bucket) {
      buckets {
        start
        filed
        autoApproved
        autoDenied
        humanApproved
        humanDenied
        expired
        cancelled
      }
      timeToDecision { decided medianSeconds p90Seconds }
    }
  }
`);
