import { useApiResource } from '../../hooks/useApiResource.js';
import { useRouter } from '../../router/Router.js';
import { agentPath } from '../../router/routes.js';
import { useSession } from '../../session/Session.js';

export function useIncidentPage(incidentId: string) {
  const { api } = useSession();
  const { navigate } = useRouter();
  const resource = useApiResource(incidentId, (signal) => api.getIncident(incidentId, signal));
  const openAgent = (agentId: string) => navigate(agentPath(agentId));
  return { resource, openAgent };
}
