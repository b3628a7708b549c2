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
  /** Days as a date input gives them (YYYY-MM-DD), in the viewer's time zone; both ends included. */
  from: string;
  to: string;
}

/** The start of a local day as an instant, or undefined for an empty or malformed date; `days` moves it on. */
export function dayStart(date: string, days = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function useAuditPage() {
  const { api } = useSession();
  const [filters, setFilters] = useState<AuditFilterState>({
    actor: '',
    action: '',
    targetType: '',
    from: '',
    to: '',
  });
  const actor = useDebouncedValue(filters.actor, 300);
  const action = useDebouncedValue(filters.action, 300);
  const query = {
    actor: actor.trim(),
    action: action.trim(),
    targetType: filters.targetType || undefined,
    from: dayStart(filters.from),
    // "To" names the last day shown: the query ends at the start of the next one.
    to: dayStart(filters.to, 1),
  };
  const list = usePagedList<AuditRecord>(JSON.stringify(query), (cursor, signal) =>
    api.listAudit({ ...query, limit: AUDIT_PAGE_SIZE, cursor }, signal),
  );
  const update = (changes: Partial<AuditFilterState>) => setFilters((f) => ({ ...f, ...changes }));
  const filtered = Boolean(query.actor || query.action || query.targetType || query.from || query.to);
  return { filters, update, list, filtered };
}
