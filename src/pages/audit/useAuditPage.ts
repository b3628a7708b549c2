import { useState } from 'react';
import type { AuditRecord } from '../../api/types.js';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.js';
import { usePagedList } from '../../hooks/usePagedList.js';
import { useSession } from '../../session/Session.js';

export const AUDIT_PAGE_SIZE = 100;

export interface AuditFilterState {
  actor: string;
  action: string;
  targetType: AuditRecord['targetType'] | '';
}

export function useAuditPage() {
  const { api } = useSession();
  const [filters, setFilters] = useState<AuditFilterState>({ actor: '', action: '', targetType: '' });
  const actor = useDebouncedValue(filters.actor, 300);
  const action = useDebouncedValue(filters.action, 300);
  const query = { actor: actor.trim(), action: action.trim(), targetType: filters.targetType || undefined };
  const list = usePagedList<AuditRecord>(JSON.stringify(query), (cursor, signal) =>
    api.listAudit({ ...query, limit: AUDIT_PAGE_SIZE, cursor }, signal),
  );
  const update = (changes: Partial<AuditFilterState>) => setFilters((f) => ({ ...f, ...changes }));
  const filtered = Boolean(query.actor || query.action || query.targetType);
  return { filters, update, list, filtered };
}
