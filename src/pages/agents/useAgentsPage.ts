import { useCallback, useEffect, useState } from 'react';
import type { AgentSummary } from '../../api/types.js';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.js';
import { usePagedList } from '../../hooks/usePagedList.js';
import { useRouter } from '../../router/Router.js';
import { agentPath } from '../../router/routes.js';
import { useSession } from '../../session/Session.js';
import { DEFAULT_AGENT_FILTERS, type AgentFilterState } from './AgentsPage.types.js';
import { agentListQuery, takePrefetchedAgentPage } from './agentListQuery.js';

export const SEARCH_DEBOUNCE_MS = 300;

/**
 * The registry's filters as last left, per signed-in session (its API client): opening an agent and coming back
 * through "All agents" or the Agents tab finds them as they were. Gone on reload or sign-out, like the page.
 */
const lastFilters = new WeakMap<object, AgentFilterState>();

export function useAgentsPage() {
  const { api } = useSession();
  const { navigate } = useRouter();
  const [filters, setFilters] = useState<AgentFilterState>(() => lastFilters.get(api) ?? DEFAULT_AGENT_FILTERS);
  useEffect(() => {
    lastFilters.set(api, filters);
  }, [api, filters]);
  const search = useDebouncedValue(filters.search, SEARCH_DEBOUNCE_MS);

  const query = agentListQuery(filters, search);
  const queryKey = JSON.stringify(query);
  const list = usePagedList<AgentSummary>(queryKey, (cursor, signal) => {
    const early = cursor === null ? takePrefetchedAgentPage(api, query) : null;
    return early ? early.catch(() => api.listAgents(query, signal)) : api.listAgents({ ...query, cursor }, signal);
  });

  const updateFilters = useCallback(
    (changes: Partial<AgentFilterState>) => setFilters((f) => ({ ...f, ...changes })),
    [],
  );
  const resetFilters = useCallback(() => setFilters(DEFAULT_AGENT_FILTERS), []);
  const openAgent = useCallback((agent: AgentSummary) => navigate(agentPath(agent.id)), [navigate]);
  const filtered =
    search.trim() !== '' ||
    filters.risk.length > 0 ||
    filters.platform.length > 0 ||
    filters.lifecycle !== 'all' ||
    filters.mcpMaker;

  return { filters, updateFilters, resetFilters, list, openAgent, filtered, queryKey };
}
