/** Business glossary, emitted as dbt docs blocks `glossary__<slug>`. `[slug, term, definition]` */
export type GlossaryEntry = readonly [slug: string, term: string, definition: string];

export const glossary: readonly GlossaryEntry[] = [
  [
    'arr',
    'Annual Recurring Revenue (ARR)',
    'Monthly recurring revenue multiplied by 12. Excludes one-off services and usage overages. Source of truth: the `arr` metric, owned by Finance.',
  ],
  [
    'mrr',
    'Monthly Recurring Revenue (MRR)',
    'Normalised monthly value of all active subscriptions at month end; annual plans count as one twelfth per month. Trials and free plans count as zero.',
  ],
  [
    'net_new_mrr',
    'Net New MRR',
    'New MRR plus expansion MRR, minus contraction MRR and churned MRR, for a month.',
  ],
  [
    'bookings',
    'Bookings',
    'Value of orders signed in a period, credited on the opportunity close date. Bookings are not revenue: revenue is recognised over the service period.',
  ],
  ['net_revenue', 'Net Revenue', 'Bookings minus refunds issued in the same period.'],
  [
    'customer',
    'Customer',
    'An account with at least one paid order and an active or past-due subscription. Trials and free workspaces are not customers.',
  ],
  [
    'churn',
    'Churn',
    'A customer whose last subscription was canceled and whose final paid period has ended. Logo churn counts accounts; revenue churn counts their MRR.',
  ],
  [
    'pipeline',
    'Pipeline',
    'Open opportunities with a close date in the period, valued in USD. Weighted pipeline multiplies each deal by its stage probability.',
  ],
  [
    'win_rate',
    'Win Rate',
    'Closed-won opportunities divided by all closed opportunities (won plus lost) in the period, by count.',
  ],
  [
    'mql',
    'Marketing Qualified Lead (MQL)',
    'A lead whose engagement score passed the threshold agreed with Sales (currently 60) and who fits the ideal customer profile.',
  ],
  [
    'cac',
    'Customer Acquisition Cost (CAC)',
    'Marketing campaign spend in a period divided by the new customers won in it. Sales salaries are excluded in this version.',
  ],
  [
    'headcount',
    'Headcount',
    'People employed on the last day of the month, including contractors paid through Workday. Interns are excluded.',
  ],
  [
    'attrition_rate',
    'Attrition Rate',
    'Departures in the period divided by the average headcount. Regrettable attrition counts only departures the manager flagged as a loss.',
  ],
  [
    'csat',
    'Customer Satisfaction (CSAT)',
    'Share of answered post-ticket surveys rated good. Surveys are sent 24 hours after a ticket is solved.',
  ],
  [
    'first_response_time',
    'First Response Time',
    'Business minutes between a ticket being raised and the first public reply by an agent, in the support tier calendar.',
  ],
  [
    'sla_breach',
    'SLA Breach',
    'A ticket whose first response or resolution took longer than the target of its SLA policy (support tier times priority).',
  ],
  [
    'active_user',
    'Active User',
    'An application user with at least one tracked product event in the window: the day (DAU), trailing 7 days (WAU) or trailing 28 days (MAU).',
  ],
  [
    'fiscal_year',
    'Fiscal Year',
    'Acme fiscal years start on 1 February and are named after the calendar year they end in: FY25 runs from February 2024 to January 2025.',
  ],
  [
    'pii',
    'Personally Identifiable Information (PII)',
    'Data that identifies a person directly (name, email, phone, address, national ID) or indirectly (IP address, free text). Columns holding PII carry the `pii` tag and a `pii:<kind>` tag.',
  ],
  [
    'data_owner',
    'Data Owner',
    'The person accountable for a dataset or metric: approves access, sets sensitivity and answers for its definition. Recorded as `meta.owner`.',
  ],
  [
    'data_steward',
    'Data Steward',
    'A person who maintains a dataset day to day: documentation, quality checks and definitions. Recorded in `meta.stewards`.',
  ],
  [
    'sensitivity',
    'Sensitivity Level',
    'Public: may be shared outside Acme. Internal: any employee. Confidential: need to know within a domain. Restricted: named people only, access logged and reviewed (compensation, national IDs, health).',
  ],
];
