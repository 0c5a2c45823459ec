import type { ComponentType } from 'react';
import { AgentsPage } from '../pages/agents/agents-page.tsx';
import { AuditPage } from '../pages/audit/audit-page.tsx';
import { ExplainPage } from '../pages/explain/explain-page.tsx';
import { InboxPage } from '../pages/inbox/inbox-page.tsx';
import { MyAgentsPage } from '../pages/my-agents/my-agents-page.tsx';
import { OverviewPage } from '../pages/overview/overview-page.tsx';
import { PoliciesPage } from '../pages/policies/policies-page.tsx';
import { SuggestionsPage } from '../pages/suggestions/suggestions-page.tsx';

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
  { path: '/audit', label: 'Audit', page: AuditPage, governance: true },
  { path: '/explain', label: 'Explain', page: ExplainPage, governance: true },
];
