import { lazy } from 'react';

// Each page is its own chunk: the first paint loads only the shell and the page it needs.
export const AgentsPage = lazy(() => import('../pages/agents/AgentsPage.js').then((m) => ({ default: m.AgentsPage })));
export const AgentPage = lazy(() => import('../pages/agent/AgentPage.js').then((m) => ({ default: m.AgentPage })));
export const IncidentsPage = lazy(() =>
  import('../pages/incidents/IncidentsPage.js').then((m) => ({ default: m.IncidentsPage })),
);
export const IncidentPage = lazy(() =>
  import('../pages/incident/IncidentPage.js').then((m) => ({ default: m.IncidentPage })),
);
export const ApprovalsPage = lazy(() =>
  import('../pages/approvals/ApprovalsPage.js').then((m) => ({ default: m.ApprovalsPage })),
);
export const AuditPage = lazy(() => import('../pages/audit/AuditPage.js').then((m) => ({ default: m.AuditPage })));
export const HuntingPage = lazy(() =>
  import('../pages/hunting/HuntingPage.js').then((m) => ({ default: m.HuntingPage })),
);
