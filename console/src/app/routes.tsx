import { type ComponentType, lazy } from 'react';

/**
 * Each page is its own chunk, loaded when first opened: a person who only approves never downloads
 * the charts, the YAML editor or the diff of the governance pages.
 */
const page = <Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) =>
  lazy(async () => ({ default: (await load())[name] }));

const MyAgentsPage = page(() => import('../pages/my-agents/my-agents-page.tsx'), 'MyAgentsPage');
const InboxPage = page(() => import('../pages/inbox/inbox-page.tsx'), 'InboxPage');
const OverviewPage = page(() => import('../pages/overview/overview-page.tsx'), 'OverviewPage');
const SuggestionsPage = page(() => import('../pages/suggestions/suggestions-page.tsx'), 'SuggestionsPage');
const PoliciesPage = page(() => import('../pages/policies/policies-page.tsx'), 'PoliciesPage');
const AgentsPage = page(() => import('../pages/agents/agents-page.tsx'), 'AgentsPage');
const GatewaysPage = page(() => import('../pages/gateways/gateways-page.tsx'), 'GatewaysPage');
const AuditPage = page(() => import('../pages/audit/audit-page.tsx'), 'AuditPage');
const ExplainPage = page(() => import('../pages/explain/explain-page.tsx'), 'ExplainPage');

export interface ConsoleRoute {
  path: string;
  label: string;
  page: ComponentType;
  /** Shown in the menu of governance leads only. The API refuses the data to anyone else anyway. */
  governance: boolean;
}

/** The console's pages, in menu order. */
export const consoleRoutes: ConsoleRoute[] = [
  { path: '/', label: 'My agents', page: MyAgentsPage, governance: false },
  { path: '/inbox', label: 'Inbox', page: InboxPage, governance: false },
  { path: '/overview', label: 'Overview', page: OverviewPage, governance: true },
  { path: '/suggestions', label: 'Suggestions', page: SuggestionsPage, governance: true },
  { path: '/policies', label: 'Policies and rules', page: PoliciesPage, governance: true },
  { path: '/agents', label: 'Agents', page: AgentsPage, governance: true },
  { path: '/gateways', label: 'Gateways', page: GatewaysPage, governance: true },
  { path: '/audit', label: 'Audit', page: AuditPage, governance: true },
  { path: '/explain', label: 'Explain', page: ExplainPage, governance: true },
];
