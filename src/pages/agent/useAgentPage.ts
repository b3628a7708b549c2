import type { Role, SecurityView } from '../../api/types.js';
import { useApiResource } from '../../hooks/useApiResource.js';
import { useRouter } from '../../router/Router.js';
import { useSession } from '../../session/Session.js';

/** IT admins see the IT view (unresolved high and critical alerts), SOC responders everything. */
export function defaultSecurityView(roles: readonly Role[]): SecurityView {
  return roles.includes('responder') ? 'soc' : 'it';
}

function viewFromQuery(value: string | null): SecurityView | null {
  return value === 'it' || value === 'soc' ? value : null;
}

export function useAgentPage(agentId: string) {
  const { api, me } = useSession();
  const { query, setQuery } = useRouter();
  const view = viewFromQuery(query.get('view')) ?? defaultSecurityView(me.roles);
  // People with both roles get a switch; anyone may still pick a view with ?view=.
  const canSwitchView = me.roles.includes('admin') && me.roles.includes('responder');
  const resource = useApiResource(`${agentId}|${view}`, (signal) => api.getAgent(agentId, view, signal));
  const setView = (next: SecurityView) => setQuery({ view: next });
  return { resource, view, setView, canSwitchView };
}
