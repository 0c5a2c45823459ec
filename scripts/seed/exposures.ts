import { email } from './people.ts';
import type { Domain } from './types.ts';

export interface ExposureSpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'dashboard' | 'notebook' | 'analysis' | 'ml' | 'application';
  readonly maturity: 'low' | 'medium' | 'high';
  readonly domain: Domain;
  readonly owner: string;
  readonly url: string;
  readonly description: string;
  /** Model names. */
  readonly refs: readonly string[];
}

export const exposureSpecs: readonly ExposureSpec[] = [
  {
    name: 'executive_kpis',
    label: 'Executive KPI dashboard',
    type: 'dashboard',
    maturity: 'high',
    domain: 'finance',
    owner: email('grace.liu'),
    url: 'https://bi.acme.example/dashboards/12-executive-kpis',
    description:
      'Weekly board of ARR, net revenue, headcount and customer health, reviewed by the leadership team.',
    refs: ['revenue_daily', 'mrr_monthly', 'headcount_monthly', 'account_health'],
  },
  {
    name: 'sales_pipeline_review',
    label: 'Sales pipeline review',
    type: 'dashboard',
    maturity: 'high',
    domain: 'sales',
    owner: email('priya.raman'),
    url: 'https://bi.acme.example/dashboards/31-pipeline-review',
    description: 'Pipeline, forecast and quota attainment by region, used in the Monday forecast call.',
    refs: ['opportunities', 'pipeline_daily', 'quota_attainment', 'accounts'],
  },
  {
    name: 'people_analytics',
    label: 'People analytics',
    type: 'dashboard',
    maturity: 'medium',
    domain: 'hr',
    owner: email('kenji.watanabe'),
    url: 'https://bi.acme.example/dashboards/44-people-analytics',
    description: 'Headcount, attrition and pay equity views for the People team. Restricted audience.',
    refs: ['employees', 'compensation', 'headcount_monthly', 'attrition_events'],
  },
  {
    name: 'support_operations',
    label: 'Support operations',
    type: 'dashboard',
    maturity: 'high',
    domain: 'support',
    owner: email('fatima.elamrani'),
    url: 'https://bi.acme.example/dashboards/52-support-ops',
    description: 'Daily volume, backlog, SLA breaches and CSAT for support team leads.',
    refs: ['tickets', 'ticket_sla', 'support_daily', 'agent_performance'],
  },
  {
    name: 'churn_risk_assistant',
    label: 'Churn risk assistant',
    type: 'application',
    maturity: 'low',
    domain: 'product',
    owner: email('ben.carter'),
    url: 'https://tools.acme.example/churn-assistant',
    description: 'Internal AI assistant that explains account health to customer success managers.',
    refs: ['account_health', 'app_users', 'tickets'],
  },
];
