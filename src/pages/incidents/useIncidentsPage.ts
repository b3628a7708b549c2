import { useState } from 'react';
import type { IncidentStatus, IncidentSummary } from '../../api/types.js';
import { usePagedList } from '../../hooks/usePagedList.js';
import { useSession } from '../../session/Session.js';

export type IncidentStatusFilter = 'open' | IncidentStatus | 'all';

const STATUSES: Record<IncidentStatusFilter, IncidentStatus[] | undefined> = {
  open: ['active', 'inProgress'],
  active: ['active'],
  inProgress: ['inProgress'],
  resolved: ['resolved'],
  all: undefined,
};

export const INCIDENT_PAGE_SIZE = 50;

export function useIncidentsPage() {
  const { api } = useSession();
  const [status, setStatus] = useState<IncidentStatusFilter>('open');
  const list = usePagedList<IncidentSummary>(status, (cursor, signal) =>
    api.listIncidents({ status: STATUSES[status], limit: INCIDENT_PAGE_SIZE, cursor }, signal),
  );
  return { status, setStatus, list };
}
