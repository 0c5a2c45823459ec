import { email } from '../people.ts';
import type { MetricSpec } from './types.ts';

const cfo = email('david.okafor');
const vpPeople = email('sofia.lindqvist');

// biome-ignore format: one line per metric
export const metricSpecs: readonly MetricSpec[] = [
  // Sales
  { name: 'revenue', type: 'simple', measure: 'order_total', domain: 'sales', sensitivity: 'internal', tags: ['kpi'], label: 'Revenue (bookings)', description: 'Value of booked orders in USD, after discounts.' },
  { name: 'order_count', type: 'simple', measure: 'order_count', domain: 'sales', sensitivity: 'internal', label: 'Orders', description: 'Number of booked orders.' },
  { name: 'average_order_value', type: 'ratio', numerator: 'revenue', denominator: 'order_count', domain: 'sales', sensitivity: 'internal', label: 'Average order value', description: 'Revenue divided by the number of orders.' },
  { name: 'revenue_ytd', type: 'cumulative', measure: 'order_total', grainToDate: 'year', domain: 'sales', sensitivity: 'internal', label: 'Revenue year to date', description: 'Bookings accumulated since the start of the calendar year.' },
  { name: 'revenue_growth_mom', type: 'derived', expr: '(revenue - revenue_prev_month) / nullif(revenue_prev_month, 0)', metrics: ['revenue', { name: 'revenue', alias: 'revenue_prev_month', offsetWindow: '1 month' }], domain: 'sales', sensitivity: 'internal', label: 'Revenue growth (MoM)', description: 'Month-over-month growth of bookings.' },
  { name: 'new_customers', type: 'simple', measure: 'first_orders', domain: 'sales', sensitivity: 'internal', tags: ['kpi'], label: 'New customers', description: 'Accounts that placed their first order.' },
  { name: 'pipeline_value', type: 'simple', measure: 'pipeline_amount', domain: 'sales', sensitivity: 'internal', label: 'Pipeline value', description: 'Total value of opportunities in USD.' },
  { name: 'weighted_pipeline', type: 'simple', measure: 'weighted_pipeline_amount', domain: 'sales', sensitivity: 'internal', label: 'Weighted pipeline', description: 'Opportunity value weighted by win probability.' },
  { name: 'won_deals', type: 'simple', measure: 'won_opportunities', domain: 'sales', sensitivity: 'internal', label: 'Won deals', description: 'Opportunities closed won.' },
  { name: 'closed_deals', type: 'simple', measure: 'closed_opportunities', domain: 'sales', sensitivity: 'internal', label: 'Closed deals', description: 'Opportunities closed won or lost.' },
  { name: 'win_rate', type: 'ratio', numerator: 'won_deals', denominator: 'closed_deals', domain: 'sales', sensitivity: 'internal', tags: ['kpi'], label: 'Win rate', description: 'Share of closed opportunities that were won.' },

  // Finance
  { name: 'mrr', type: 'simple', measure: 'mrr_amount', domain: 'finance', sensitivity: 'confidential', tags: ['kpi'], label: 'MRR', description: 'Monthly recurring revenue at month end, in USD.' },
  { name: 'arr', type: 'derived', expr: 'mrr * 12', metrics: ['mrr'], domain: 'finance', sensitivity: 'confidential', tags: ['kpi'], label: 'ARR', description: 'Annual recurring revenue: MRR times 12.' },
  { name: 'new_mrr', type: 'simple', measure: 'new_mrr_amount', domain: 'finance', sensitivity: 'confidential', label: 'New MRR', description: 'MRR from accounts new in the month.' },
  { name: 'expansion_mrr', type: 'simple', measure: 'expansion_mrr_amount', domain: 'finance', sensitivity: 'confidential', label: 'Expansion MRR', description: 'MRR gained from existing accounts.' },
  { name: 'contraction_mrr', type: 'simple', measure: 'contraction_mrr_amount', domain: 'finance', sensitivity: 'confidential', label: 'Contraction MRR', description: 'MRR lost from accounts that stayed.' },
  { name: 'churned_mrr', type: 'simple', measure: 'churned_mrr_amount', domain: 'finance', sensitivity: 'confidential', label: 'Churned MRR', description: 'MRR lost from accounts that left.' },
  { name: 'net_new_mrr', type: 'derived', expr: 'new_mrr + expansion_mrr - contraction_mrr - churned_mrr', metrics: ['new_mrr', 'expansion_mrr', 'contraction_mrr', 'churned_mrr'], domain: 'finance', sensitivity: 'confidential', label: 'Net new MRR', description: 'New plus expansion MRR, minus contraction and churn.' },
  { name: 'invoiced_revenue', type: 'simple', measure: 'invoiced_amount', domain: 'finance', sensitivity: 'confidential', label: 'Invoiced revenue', description: 'Total of issued invoices in USD, including tax.' },
  { name: 'accounts_receivable', type: 'simple', measure: 'outstanding_amount', domain: 'finance', sensitivity: 'confidential', label: 'Accounts receivable', description: 'Unpaid invoice amounts in USD.' },
  { name: 'refunded_amount', type: 'simple', measure: 'refund_amount', domain: 'finance', sensitivity: 'confidential', label: 'Refunds', description: 'Refunds issued in USD.' },
  { name: 'refund_rate', type: 'ratio', numerator: 'refunded_amount', denominator: 'invoiced_revenue', domain: 'finance', sensitivity: 'confidential', label: 'Refund rate', description: 'Refunds as a share of invoiced revenue.' },
  { name: 'net_revenue', type: 'derived', expr: 'revenue - refunded_amount', metrics: ['revenue', 'refunded_amount'], domain: 'finance', sensitivity: 'confidential', tags: ['kpi', 'cross-domain'], label: 'Net revenue', description: 'Bookings (sales) minus refunds (finance).' },
  { name: 'active_subscriptions', type: 'simple', measure: 'subscription_total', domain: 'finance', sensitivity: 'internal', label: 'Subscriptions', description: 'Distinct subscriptions started.' },
  { name: 'churned_subscriptions', type: 'simple', measure: 'churned_subscription_total', domain: 'finance', sensitivity: 'internal', label: 'Churned subscriptions', description: 'Subscriptions canceled and past their final period.' },
  { name: 'subscription_churn_rate', type: 'ratio', numerator: 'churned_subscriptions', denominator: 'active_subscriptions', domain: 'finance', sensitivity: 'confidential', label: 'Subscription churn rate', description: 'Share of subscriptions that churned.' },

  // HR
  { name: 'headcount', type: 'simple', measure: 'month_end_headcount', domain: 'hr', sensitivity: 'internal', tags: ['kpi'], label: 'Headcount', description: 'People employed at month end.' },
  { name: 'hires', type: 'simple', measure: 'hires_total', domain: 'hr', sensitivity: 'internal', label: 'Hires', description: 'People who started in the period.' },
  { name: 'average_salary', type: 'simple', measure: 'average_base_salary', domain: 'hr', sensitivity: 'restricted', owner: vpPeople, tags: ['compensation'], label: 'Average base salary', description: 'Average annual base salary in USD. Restricted: reveals individual pay in small groups.' },
  { name: 'total_salary_cost', type: 'simple', measure: 'total_base_salary', domain: 'hr', sensitivity: 'restricted', owner: vpPeople, tags: ['compensation'], label: 'Total salary cost', description: 'Sum of annual base salaries in USD.' },
  { name: 'attrition_count', type: 'simple', measure: 'departures', domain: 'hr', sensitivity: 'confidential', label: 'Departures', description: 'Employees who left.' },
  { name: 'regrettable_attrition_count', type: 'simple', measure: 'regrettable_departures', domain: 'hr', sensitivity: 'confidential', label: 'Regrettable departures', description: 'Departures flagged as regrettable by the manager.' },
  { name: 'attrition_rate', type: 'ratio', numerator: 'attrition_count', denominator: 'headcount', domain: 'hr', sensitivity: 'confidential', tags: ['kpi'], label: 'Attrition rate', description: 'Departures divided by month-end headcount.' },

  // Cross-domain (sales/hr)
  { name: 'revenue_per_employee', type: 'derived', expr: 'revenue / nullif(headcount, 0)', metrics: ['revenue', 'headcount'], domain: 'finance', sensitivity: 'confidential', owner: cfo, tags: ['kpi', 'cross-domain'], label: 'Revenue per employee', description: 'Bookings (sales) divided by headcount (HR).' },
  { name: 'salary_cost_to_revenue', type: 'derived', expr: 'total_salary_cost / nullif(revenue, 0)', metrics: ['total_salary_cost', 'revenue'], domain: 'finance', sensitivity: 'restricted', owner: cfo, tags: ['cross-domain', 'compensation'], label: 'Salary cost to revenue', description: 'Base salary cost (restricted HR) as a share of bookings (sales).' },

  // Marketing
  { name: 'leads', type: 'simple', measure: 'lead_total', domain: 'marketing', sensitivity: 'internal', label: 'Leads', description: 'Inbound leads created.' },
  { name: 'mqls', type: 'simple', measure: 'mql_total', domain: 'marketing', sensitivity: 'internal', tags: ['kpi'], label: 'MQLs', description: 'Leads that reached marketing qualified status.' },
  { name: 'converted_leads', type: 'simple', measure: 'converted_lead_total', domain: 'marketing', sensitivity: 'internal', label: 'Converted leads', description: 'Leads converted to a Salesforce account.' },
  { name: 'lead_conversion_rate', type: 'ratio', numerator: 'converted_leads', denominator: 'leads', domain: 'marketing', sensitivity: 'internal', label: 'Lead conversion rate', description: 'Share of leads that converted.' },
  { name: 'campaign_spend', type: 'simple', measure: 'spend_total', domain: 'marketing', sensitivity: 'internal', label: 'Campaign spend', description: 'Marketing campaign spend in USD.' },
  { name: 'cost_per_lead', type: 'derived', expr: 'campaign_spend / nullif(leads, 0)', metrics: ['campaign_spend', 'leads'], domain: 'marketing', sensitivity: 'internal', label: 'Cost per lead', description: 'Campaign spend divided by leads.' },
  { name: 'customer_acquisition_cost', type: 'derived', expr: 'campaign_spend / nullif(new_customers, 0)', metrics: ['campaign_spend', 'new_customers'], domain: 'marketing', sensitivity: 'confidential', tags: ['kpi', 'cross-domain'], label: 'Customer acquisition cost (CAC)', description: 'Campaign spend (marketing) divided by new customers (sales).' },

  // Support
  { name: 'tickets_created', type: 'simple', measure: 'ticket_total', domain: 'support', sensitivity: 'internal', label: 'Tickets created', description: 'Support tickets raised.' },
  { name: 'avg_first_response_time', type: 'simple', measure: 'first_response_minutes_avg', domain: 'support', sensitivity: 'internal', tags: ['kpi'], label: 'Average first response time', description: 'Average business minutes to the first public reply.' },
  { name: 'avg_resolution_time', type: 'simple', measure: 'resolution_minutes_avg', domain: 'support', sensitivity: 'internal', label: 'Average resolution time', description: 'Average business minutes from creation to solve.' },
  { name: 'escalated_tickets', type: 'simple', measure: 'escalated_ticket_total', domain: 'support', sensitivity: 'internal', label: 'Escalated tickets', description: 'Tickets escalated to engineering.' },
  { name: 'escalation_rate', type: 'ratio', numerator: 'escalated_tickets', denominator: 'tickets_created', domain: 'support', sensitivity: 'internal', label: 'Escalation rate', description: 'Share of tickets escalated to engineering.' },
  { name: 'csat_responses', type: 'simple', measure: 'csat_response_total', domain: 'support', sensitivity: 'internal', label: 'CSAT responses', description: 'Answered satisfaction surveys.' },
  { name: 'satisfied_responses', type: 'simple', measure: 'satisfied_response_total', domain: 'support', sensitivity: 'internal', label: 'Satisfied responses', description: 'Good satisfaction ratings.' },
  { name: 'csat_score', type: 'ratio', numerator: 'satisfied_responses', denominator: 'csat_responses', domain: 'support', sensitivity: 'internal', tags: ['kpi'], label: 'CSAT score', description: 'Share of satisfaction ratings that were good.' },
  { name: 'tickets_per_customer', type: 'derived', expr: 'tickets_created / nullif(active_subscriptions, 0)', metrics: ['tickets_created', 'active_subscriptions'], domain: 'support', sensitivity: 'internal', tags: ['cross-domain'], label: 'Tickets per subscription', description: 'Tickets (support) per subscription (finance).' },

  // Product
  { name: 'daily_active_users', type: 'simple', measure: 'distinct_active_users', domain: 'product', sensitivity: 'internal', tags: ['kpi'], label: 'Daily active users', description: 'Distinct users with a product event on the day.' },
  { name: 'weekly_active_users', type: 'cumulative', measure: 'distinct_active_users', window: [7, 'day'], domain: 'product', sensitivity: 'internal', label: 'Weekly active users', description: 'Distinct users with an event in the trailing 7 days.' },
  { name: 'monthly_active_users', type: 'cumulative', measure: 'distinct_active_users', window: [28, 'day'], domain: 'product', sensitivity: 'internal', label: 'Monthly active users', description: 'Distinct users with an event in the trailing 28 days.' },
  { name: 'stickiness', type: 'derived', expr: 'daily_active_users / nullif(monthly_active_users, 0)', metrics: ['daily_active_users', 'monthly_active_users'], domain: 'product', sensitivity: 'internal', label: 'Stickiness (DAU/MAU)', description: 'Daily active users divided by monthly active users.' },
  { name: 'feature_events', type: 'simple', measure: 'feature_event_total', domain: 'product', sensitivity: 'internal', label: 'Feature events', description: 'Product events tracked.' },
  { name: 'active_workspaces', type: 'simple', measure: 'distinct_active_workspaces', domain: 'product', sensitivity: 'internal', label: 'Active workspaces', description: 'Distinct workspaces with a product event.' },
];
