import { email } from './people.ts';
import type { Domain } from './types.ts';

export interface DomainInfo {
  readonly domain: Domain;
  readonly label: string;
  readonly description: string;
  /** Data owner: accountable for access decisions in the domain. */
  readonly owner: string;
  /** Data stewards: maintain definitions and quality. */
  readonly stewards: readonly string[];
}

export const domainInfo: Readonly<Record<Domain, DomainInfo>> = {
  sales: {
    domain: 'sales',
    label: 'Sales',
    description: 'CRM accounts, contacts, pipeline, bookings and quota attainment.',
    owner: email('priya.raman'),
    stewards: [email('jonas.weber'), email('zoe.park')],
  },
  finance: {
    domain: 'finance',
    label: 'Finance',
    description: 'Billing, subscriptions, recurring revenue, refunds and the general ledger.',
    owner: email('grace.liu'),
    stewards: [email('oliver.grant'), email('ethan.brooks')],
  },
  hr: {
    domain: 'hr',
    label: 'People (HR)',
    description: 'Employees, compensation, performance, time off and attrition from Workday.',
    owner: email('amara.nwosu'),
    stewards: [email('kenji.watanabe')],
  },
  marketing: {
    domain: 'marketing',
    label: 'Marketing',
    description: 'Campaigns, leads, email engagement, web sessions and attribution.',
    owner: email('lucas.moreau'),
    stewards: [email('emily.chen')],
  },
  support: {
    domain: 'support',
    label: 'Customer Support',
    description: 'Zendesk tickets, SLAs, CSAT and agent performance.',
    owner: email('fatima.elamrani'),
    stewards: [email('diego.santos')],
  },
  product: {
    domain: 'product',
    label: 'Product',
    description: 'Application users, workspaces, feature usage and account health.',
    owner: email('ben.carter'),
    stewards: [email('aisha.khan')],
  },
};

/** Technical steward added to every source and staging model. */
export const platformSteward = email('wei.zhang');
/** Governance lead, added as steward of every restricted dataset. */
export const governanceLead = email('rachel.stone');
