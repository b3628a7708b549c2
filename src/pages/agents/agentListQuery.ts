import type { AgentListQuery, AgentSummary, Page } from '../../api/types.js';
import type { WardenApi } from '../../api/warden-api.js';
import type { AgentFilterState } from './AgentsPage.types.js';
import { DEFAULT_AGENT_FILTERS } from './AgentsPage.types.js';

/** Rows per request: enough for a few screens, small enough for a fast first paint (the API allows 500). */
export const AGENT_PAGE_SIZE = 100;

/** The API query for the registry's filters (search already debounced). */
export function agentListQuery(filters: AgentFilterState, search: string): AgentListQuery {
  return {
    search: search.trim() || undefined,
    risk: filters.risk,
    platform: filters.platform,
    status: filters.lifecycle === 'all' ? undefined : filters.lifecycle,
    mcpMaker: filters.mcpMaker,
    sort: filters.sort,
    limit: AGENT_PAGE_SIZE,
  };
}

/** A first page asked for before the registry's code ran; used once, and only while fresh. */
let early: { api: WardenApi; key: string; at: number; page: Promise<Page<AgentSummary>> } | null = null;
const EARLY_FRESH_MS = 10_000;

/**
 * Asks for the registry's first page with the default filters as soon as the tab knows who is signed in,
 * in parallel with loading the page's code, instead of after it rendered.
 */
export function prefetchFirstAgentPage(api: WardenApi): void {
  const query = agentListQuery(DEFAULT_AGENT_FILTERS, '');
  const page = api.listAgents(query);
  page.catch(() => undefined); // the registry asks again when it takes a failed prefetch
  early = { api, key: JSON.stringify(query), at: Date.now(), page };
}

/** The prefetched first page for this query and session, if there is one; hands it out once. */
export function takePrefetchedAgentPage(api: WardenApi, query: AgentListQuery): Promise<Page<AgentSummary>> | null {
  const taken = early;
  early = null;
  if (!taken || taken.api !== api || taken.key !== JSON.stringify(query)) return null;
  if (Date.now() - taken.at > EARLY_FRESH_MS) return null;
  return taken.page;
}
