import { createHash } from 'node:crypto';
import type { AttributeValue, Department, Person, Region } from './types.ts';

export const emailDomain = 'acme.example';

export function email(handle: string): string {
  return `${handle}@${emailDomain}`;
}

/** Deterministic Slack-style member id (`U0` + 9 characters) derived from the handle. */
export function slackUserId(handle: string): string {
  const digest = BigInt(`0x${createHash('sha256').update(`slack:${handle}`).digest('hex').slice(0, 16)}`);
  return `U0${digest.toString(36).toUpperCase().padStart(9, '0').slice(0, 9)}`;
}

const costCenters: Readonly<Record<Department, string>> = {
  executive: 'CC-1000-EXEC',
  sales: 'CC-2100-SALES',
  finance: 'CC-3100-FIN',
  hr: 'CC-4100-PEOPLE',
  marketing: 'CC-5100-MKT',
  support: 'CC-6100-SUPPORT',
  engineering: 'CC-7100-ENG',
  data: 'CC-7200-DATA',
  legal: 'CC-8100-LEGAL',
};

type PersonRow = readonly [
  handle: string,
  name: string,
  title: string,
  department: Department,
  region: Region,
  manager: string | null,
  groups: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>>,
];

// clearance: standard < confidential < restricted (highest data sensitivity the person is cleared for).
// biome-ignore format: one row per person
const rows: readonly PersonRow[] = [
  ['helena.marsh', 'Helena Marsh', 'Chief Executive Officer', 'executive', 'amer', null, ['leadership', 'executives', 'people-managers'], { location: 'Boston', startDate: '2016-03-01', clearance: 'restricted' }],
  ['david.okafor', 'David Okafor', 'Chief Financial Officer', 'executive', 'emea', 'helena.marsh', ['leadership', 'executives', 'finance', 'people-managers'], { location: 'London', startDate: '2018-09-10', clearance: 'restricted' }],
  ['marcus.bell', 'Marcus Bell', 'Chief Revenue Officer', 'executive', 'amer', 'helena.marsh', ['leadership', 'executives', 'sales', 'people-managers'], { location: 'New York', startDate: '2019-01-14', clearance: 'confidential' }],
  ['raj.patel', 'Raj Patel', 'Chief Technology Officer', 'executive', 'amer', 'helena.marsh', ['leadership', 'executives', 'engineering', 'people-managers'], { location: 'Boston', startDate: '2016-05-02', clearance: 'restricted' }],
  ['sofia.lindqvist', 'Sofia Lindqvist', 'VP People', 'hr', 'emea', 'helena.marsh', ['leadership', 'hr', 'people-managers', 'data-owners'], { location: 'Stockholm', startDate: '2019-06-03', clearance: 'restricted' }],
  ['nadia.haddad', 'Nadia Haddad', 'VP Marketing', 'marketing', 'emea', 'helena.marsh', ['leadership', 'marketing', 'people-managers'], { location: 'Paris', startDate: '2020-02-17', clearance: 'confidential' }],
  ['tom.alvarez', 'Tom Alvarez', 'VP Customer Support', 'support', 'amer', 'marcus.bell', ['leadership', 'support', 'people-managers'], { location: 'Austin', startDate: '2019-11-04', clearance: 'confidential' }],
  ['camille.dubois', 'Camille Dubois', 'General Counsel', 'legal', 'emea', 'helena.marsh', ['leadership', 'legal', 'privacy', 'people-managers'], { location: 'Dublin', startDate: '2020-08-24', clearance: 'restricted' }],
  ['grace.liu', 'Grace Liu', 'Director of FP&A', 'finance', 'apac', 'david.okafor', ['finance', 'data-owners', 'people-managers'], { location: 'Singapore', startDate: '2020-04-06', clearance: 'confidential' }],
  ['oliver.grant', 'Oliver Grant', 'Senior Financial Analyst', 'finance', 'emea', 'grace.liu', ['finance', 'analysts', 'data-stewards'], { location: 'London', startDate: '2021-07-12', clearance: 'confidential' }],
  ['ethan.brooks', 'Ethan Brooks', 'Revenue Accountant', 'finance', 'amer', 'grace.liu', ['finance', 'data-stewards'], { location: 'Boston', startDate: '2022-01-10', clearance: 'confidential' }],
  ['priya.raman', 'Priya Raman', 'Director of Sales Operations', 'sales', 'amer', 'marcus.bell', ['sales', 'sales-ops', 'data-owners', 'people-managers'], { location: 'New York', startDate: '2019-05-20', clearance: 'confidential' }],
  ['jonas.weber', 'Jonas Weber', 'Sales Operations Analyst', 'sales', 'emea', 'priya.raman', ['sales', 'sales-ops', 'analysts', 'data-stewards'], { location: 'Berlin', startDate: '2021-10-04', clearance: 'confidential' }],
  ['zoe.park', 'Zoe Park', 'Sales Analyst', 'sales', 'apac', 'priya.raman', ['sales', 'analysts', 'data-stewards'], { location: 'Seoul', startDate: '2023-02-13', clearance: 'standard' }],
  ['daniel.kim', 'Daniel Kim', 'Regional Sales Director, APAC', 'sales', 'apac', 'marcus.bell', ['sales', 'people-managers'], { location: 'Sydney', startDate: '2020-09-07', clearance: 'standard' }],
  ['chloe.martin', 'Chloe Martin', 'Account Executive', 'sales', 'apac', 'daniel.kim', ['sales'], { location: 'Singapore', startDate: '2022-06-01', clearance: 'standard' }],
  ['amara.nwosu', 'Amara Nwosu', 'Director of People Operations', 'hr', 'emea', 'sofia.lindqvist', ['hr', 'data-owners', 'people-managers'], { location: 'Dublin', startDate: '2020-03-16', clearance: 'restricted' }],
  ['kenji.watanabe', 'Kenji Watanabe', 'People Analytics Lead', 'hr', 'apac', 'amara.nwosu', ['hr', 'analysts', 'data-stewards'], { location: 'Tokyo', startDate: '2021-04-01', clearance: 'restricted' }],
  ['rosa.jimenez', 'Rosa Jimenez', 'HR Business Partner', 'hr', 'amer', 'amara.nwosu', ['hr'], { location: 'Austin', startDate: '2022-08-15', clearance: 'confidential' }],
  ['lucas.moreau', 'Lucas Moreau', 'Director of Marketing Operations', 'marketing', 'emea', 'nadia.haddad', ['marketing', 'data-owners', 'people-managers'], { location: 'Paris', startDate: '2020-10-12', clearance: 'confidential' }],
  ['emily.chen', 'Emily Chen', 'Marketing Analyst', 'marketing', 'amer', 'lucas.moreau', ['marketing', 'analysts', 'data-stewards'], { location: 'San Francisco', startDate: '2022-03-07', clearance: 'standard' }],
  ['ana.ribeiro', 'Ana Ribeiro', 'Campaign Analyst (Contractor)', 'marketing', 'amer', 'lucas.moreau', ['marketing', 'analysts', 'contractors'], { location: 'São Paulo', startDate: '2024-09-02', clearance: 'standard', employmentType: 'contractor', contractEndDate: '2025-08-31', agency: 'Brightline Talent' }],
  ['fatima.elamrani', 'Fatima El Amrani', 'Director of Support Operations', 'support', 'emea', 'tom.alvarez', ['support', 'data-owners', 'people-managers'], { location: 'Dublin', startDate: '2020-01-20', clearance: 'confidential' }],
  ['diego.santos', 'Diego Santos', 'Support Analytics Specialist', 'support', 'amer', 'fatima.elamrani', ['support', 'analysts', 'data-stewards'], { location: 'Mexico City', startDate: '2022-11-14', clearance: 'standard' }],
  ['hannah.schmidt', 'Hannah Schmidt', 'Support Team Lead', 'support', 'emea', 'fatima.elamrani', ['support', 'people-managers'], { location: 'Berlin', startDate: '2021-02-01', clearance: 'standard' }],
  ['maya.goldberg', 'Maya Goldberg', 'Head of Data Platform', 'data', 'amer', 'raj.patel', ['data-platform', 'engineering', 'people-managers'], { location: 'Boston', startDate: '2018-07-09', clearance: 'restricted' }],
  ['wei.zhang', 'Wei Zhang', 'Senior Analytics Engineer', 'data', 'apac', 'maya.goldberg', ['data-platform', 'data-stewards'], { location: 'Singapore', startDate: '2021-05-17', clearance: 'confidential' }],
  ['liam.oconnor', "Liam O'Connor", 'Data Analyst', 'data', 'emea', 'maya.goldberg', ['data-platform', 'analysts'], { location: 'Dublin', startDate: '2023-06-05', clearance: 'standard' }],
  ['pavel.novak', 'Pavel Novak', 'Data Engineer (Contractor)', 'data', 'emea', 'maya.goldberg', ['data-platform', 'contractors'], { location: 'Prague', startDate: '2024-11-04', clearance: 'standard', employmentType: 'contractor', contractEndDate: '2025-10-31', agency: 'Vltava Data s.r.o.' }],
  ['ben.carter', 'Ben Carter', 'Director of Product Analytics', 'data', 'amer', 'raj.patel', ['product', 'data-owners', 'people-managers'], { location: 'Seattle', startDate: '2019-08-26', clearance: 'confidential' }],
  ['aisha.khan', 'Aisha Khan', 'Product Analyst', 'data', 'apac', 'ben.carter', ['product', 'analysts', 'data-stewards'], { location: 'Bangalore', startDate: '2022-09-19', clearance: 'standard' }],
  ['noah.fischer', 'Noah Fischer', 'Security Engineer', 'engineering', 'emea', 'raj.patel', ['security', 'engineering'], { location: 'Berlin', startDate: '2021-11-29', clearance: 'restricted', onCall: true }],
  ['rachel.stone', 'Rachel Stone', 'Data Governance Lead', 'legal', 'amer', 'camille.dubois', ['governance', 'privacy', 'data-stewards'], { location: 'Boston', startDate: '2020-06-15', clearance: 'restricted' }],
  ['ines.costa', 'Ines Costa', 'Privacy Counsel', 'legal', 'emea', 'camille.dubois', ['legal', 'privacy'], { location: 'Lisbon', startDate: '2022-04-25', clearance: 'restricted' }],
];

function toPerson([handle, name, title, department, region, manager, groups, attributes]: PersonRow): Person {
  const contractor = attributes.employmentType === 'contractor';
  return {
    email: email(handle),
    name,
    title,
    department,
    region,
    groups,
    manager: manager === null ? null : email(manager),
    // Contractors are not in the company Slack workspace.
    ...(contractor ? {} : { slackUserId: slackUserId(handle) }),
    attributes: { costCenter: costCenters[department], employmentType: 'full_time', ...attributes },
  };
}

export const people: readonly Person[] = rows.map(toPerson);
