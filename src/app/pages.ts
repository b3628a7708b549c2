import { createElement, lazy, type ComponentType } from 'react';
import { parseRoute, type Route } from '../router/routes.js';

// Each page is its own chunk: the first paint loads only the shell and the page it needs.
const loaders = {
  agents: () => import('../pages/agents/AgentsPage.js').then((m) => ({ default: m.AgentsPage })),
  agent: () => import('../pages/agent/AgentPage.js').then((m) => ({ default: m.AgentPage })),
  incidents: () => import('../pages/incidents/IncidentsPage.js').then((m) => ({ default: m.IncidentsPage })),
  incident: () => import('../pages/incident/IncidentPage.js').then((m) => ({ default: m.IncidentPage })),
  approvals: () => import('../pages/approvals/ApprovalsPage.js').then((m) => ({ default: m.ApprovalsPage })),
  audit: () => import('../pages/audit/AuditPage.js').then((m) => ({ default: m.AuditPage })),
  hunting: () => import('../pages/hunting/HuntingPage.js').then((m) => ({ default: m.HuntingPage })),
};

const failedPages = new Set<() => void>();

/**
 * `lazy`, but a chunk that failed to load (the server was stopped) can be fetched again: React keeps a failed lazy
 * component failed for good, so `retryFailedPages` swaps in fresh ones. Not on failure itself: React renders again
 * straight away, and a fresh attempt then would keep the page loading forever instead of showing the error.
 */
function retryableLazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  const renew = () => {
    failedPages.delete(renew);
    current = lazy(attempt);
  };
  const attempt = (): Promise<{ default: ComponentType<P> }> =>
    load().catch((error: unknown) => {
      failedPages.add(renew);
      throw error;
    });
  let current = lazy(attempt);
  return function RetryablePage(props: P) {
    return createElement(current as ComponentType<P>, props);
  };
}

/** Lets every page whose code failed to load try again on its next render. */
export function retryFailedPages(): void {
  for (const renew of [...failedPages]) renew();
}

export const AgentsPage = retryableLazy(loaders.agents);
export const AgentPage = retryableLazy(loaders.agent);
export const IncidentsPage = retryableLazy(loaders.incidents);
export const IncidentPage = retryableLazy(loaders.incident);
export const ApprovalsPage = retryableLazy(loaders.approvals);
export const AuditPage = retryableLazy(loaders.audit);
export const HuntingPage = retryableLazy(loaders.hunting);

/**
 * Starts fetching the chunk of the page at `pathname` (`/` is the registry) while the tab signs in, so
 * the page does not wait for sign-in and then for its code. The module cache makes the later lazy
 * import of the same chunk free.
 */
export function preloadPage(pathname: string): void {
  const route = parseRoute(pathname === '/' || pathname === '' ? '/agents' : pathname);
  const load = (loaders as Partial<Record<Route['name'], () => Promise<unknown>>>)[route.name];
  if (load) void load().catch(() => undefined);
}
