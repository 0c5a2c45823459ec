import { FIN } from '../tags.ts';
import type { SeedSpec, SnapshotSpec } from '../types.ts';

const SCD = [
  ['dbt_scd_id', 'text', 'Unique key of the snapshot row version.'],
  ['dbt_updated_at', 'timestamptz', 'Source update time that produced the version.'],
  ['dbt_valid_from', 'timestamptz', 'Start of validity of the version.'],
  ['dbt_valid_to', 'timestamptz', 'End of validity, null for the current version.'],
] as const;

/** CSV seeds in `analytics.reference`. */
export const seeds: readonly SeedSpec[] = [
  {
    name: 'country_regions',
    domain: 'sales',
    sensitivity: 'public',
    tags: ['reference'],
    description: 'ISO countries mapped to the sales region and sub-region that covers them.',
    csvHead:
      'country_code,country_name,sales_region,sub_region,is_eu,default_currency\nIE,Ireland,EMEA,UKI,true,EUR\n',
    columns: [
      ['country_code', 'char(2)', 'ISO 3166-1 alpha-2 code.'],
      ['country_name', 'text', 'English short name of the country.'],
      ['sales_region', 'text', 'EMEA, AMER or APAC.'],
      ['sub_region', 'text', 'Sales sub-region, e.g. DACH, UKI, ANZ.'],
      ['is_eu', 'boolean', 'True for EU member states (GDPR applies in full).'],
      ['default_currency', 'char(3)', 'Currency we invoice in for the country.'],
    ],
  },
  {
    name: 'fiscal_calendar',
    domain: 'finance',
    sensitivity: 'public',
    tags: ['reference'],
    description: 'Calendar days mapped to the Acme fiscal year, which starts on 1 February.',
    csvHead:
      'date_day,fiscal_year,fiscal_quarter,fiscal_month,fiscal_week,is_month_end,is_quarter_end\n2024-02-01,FY25,FY25-Q1,1,1,false,false\n',
    columns: [
      ['date_day', 'date', 'Calendar day.'],
      ['fiscal_year', 'text', 'Fiscal year, e.g. FY25 (Feb 2024 to Jan 2025).'],
      ['fiscal_quarter', 'text', 'Fiscal quarter, e.g. FY25-Q1.'],
      ['fiscal_month', 'integer', 'Month of the fiscal year, 1 to 12.'],
      ['fiscal_week', 'integer', 'Week of the fiscal year, 1 to 53.'],
      ['is_month_end', 'boolean', 'True on the last day of a fiscal month.'],
      ['is_quarter_end', 'boolean', 'True on the last day of a fiscal quarter.'],
    ],
  },
  {
    name: 'currency_rates',
    domain: 'finance',
    sensitivity: 'public',
    tags: ['reference', 'monthly'],
    description: 'Month-end exchange rates to USD published by the European Central Bank.',
    csvHead: 'rate_month,currency_code,usd_rate,rate_source\n2024-12-01,EUR,1.0389,ECB\n',
    columns: [
      ['rate_month', 'date', 'First day of the month the rate applies to.'],
      ['currency_code', 'char(3)', 'ISO 4217 currency code.'],
      ['usd_rate', 'numeric(12,6)', 'USD per one unit of the currency.', FIN],
      ['rate_source', 'text', 'Publisher of the rate.'],
    ],
  },
];

/** Snapshots in `analytics.snapshots`. */
export const snapshots: readonly SnapshotSpec[] = [
  {
    name: 'snp_salesforce_opportunities',
    domain: 'sales',
    sensitivity: 'internal',
    tags: ['scd2', 'daily'],
    source: ['salesforce', 'opportunities'],
    strategy: 'timestamp',
    uniqueKey: 'id',
    updatedAt: 'last_modified_date',
    description:
      'Type-2 history of Salesforce opportunities, for stage velocity and pipeline-as-of reporting.',
    columns: [
      ['id', 'varchar(18)', 'Salesforce opportunity ID.'],
      ['account_id', 'varchar(18)', 'Account of the deal.'],
      ['owner_id', 'varchar(18)', 'Salesforce user who owned the deal at the time.'],
      ['stage_name', 'text', 'Stage at the time.'],
      ['amount', 'numeric(18,2)', 'Deal value at the time.', FIN],
      ['close_date', 'date', 'Expected close date at the time.'],
      ['forecast_category', 'text', 'Forecast category at the time.'],
      ['last_modified_date', 'timestamptz', 'Salesforce modification time of the version.'],
      ...SCD,
    ],
  },
  {
    name: 'snp_workday_compensation',
    domain: 'hr',
    sensitivity: 'restricted',
    tags: ['scd2', 'daily'],
    source: ['workday', 'compensation'],
    strategy: 'check',
    uniqueKey: 'worker_id',
    checkCols: ['base_salary', 'bonus_target_pct', 'compensation_grade'],
    description: 'Type-2 history of each worker’s current compensation, kept for pay equity audits.',
    columns: [
      ['worker_id', 'text', 'Workday worker ID.'],
      [
        'base_salary',
        'numeric(12,2)',
        'Annual base salary in the local currency.',
        { tags: ['financial', 'compensation'] },
      ],
      ['currency', 'varchar(3)', 'Currency of the salary.'],
      ['bonus_target_pct', 'numeric(5,2)', 'Target bonus percent.', { tags: ['financial', 'compensation'] }],
      ['compensation_grade', 'text', 'Pay grade.'],
      ['effective_date', 'date', 'Effective date of the compensation.'],
      ...SCD,
    ],
  },
];
