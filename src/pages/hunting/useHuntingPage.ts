import { useMemo, useRef, useState } from 'react';
import type { ActionResult, HuntingResult, HuntingTemplate } from '../../api/types.js';
import { useApiResource } from '../../hooks/useApiResource.js';
import { useCan, useSession } from '../../session/Session.js';
import { sortedIndexes, type SortState } from './sortRows.js';
import { downloadText, toCsv } from './toCsv.js';

export const AGENT_ID_COLUMN = 'AIAgentId';
export const ROWS_PER_STEP = 500;

interface RunState {
  running: boolean;
  result: HuntingResult | null;
  error: string | null;
  /** What produced the result, for the heading. */
  source: string | null;
}

/** Runs per-agent actions one after another and sums them up as one ActionResult. */
async function forEachAgent(
  agentIds: string[],
  keys: Map<string, string>,
  act: (agentId: string, key: string) => Promise<ActionResult>,
  verb: string,
): Promise<ActionResult> {
  let done = 0;
  let noop = 0;
  const failed: string[] = [];
  for (const id of agentIds) {
    let key = keys.get(id);
    if (!key) {
      key = crypto.randomUUID();
      keys.set(id, key);
    }
    try {
      const result = await act(id, key);
      if (result.outcome === 'done') done += 1;
      else noop += 1;
    } catch (error) {
      failed.push(`${id} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (done + noop === 0) throw new Error(`Nothing ${verb}: ${failed.join('; ')}`);
  const parts = [`${verb} ${done} agent${done === 1 ? '' : 's'}`];
  if (noop) parts.push(`${noop} already so`);
  if (failed.length) parts.push(`failed for ${failed.join('; ')}`);
  return { outcome: done > 0 ? 'done' : 'noop', message: `${parts.join(', ')}.`, auditId: null };
}

export function useHuntingPage() {
  const { api } = useSession();
  const can = useCan();
  const templates = useApiResource<HuntingTemplate[]>('hunting-templates', (signal) => api.huntingTemplates(signal));
  const [query, setQuery] = useState('');
  const [run, setRun] = useState<RunState>({ running: false, result: null, error: null, source: null });
  const [sort, setSort] = useState<SortState | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [visibleRows, setVisibleRows] = useState(ROWS_PER_STEP);
  // One idempotency key per agent and per dialog opening: a retry does not act twice.
  const bulkKeys = useRef(new Map<string, Map<string, string>>());

  const execute = async (input: { templateId: string } | { query: string }, source: string) => {
    setRun((r) => ({ ...r, running: true, error: null }));
    try {
      const result = await api.runHunting(input);
      setRun({ running: false, result, error: null, source });
      setSort(null);
      setSelected(new Set());
      setVisibleRows(ROWS_PER_STEP);
    } catch (error) {
      setRun((r) => ({ ...r, running: false, error: error instanceof Error ? error.message : String(error) }));
    }
  };

  const runTemplate = (template: HuntingTemplate) => {
    if (template.query) setQuery(template.query);
    void execute({ templateId: template.id }, template.name);
  };
  const runQuery = () => {
    if (query.trim()) void execute({ query }, 'Query');
  };

  const result = run.result;
  const order = useMemo(() => (result ? sortedIndexes(result.results, sort) : []), [result, sort]);
  const hasAgentIds = Boolean(result?.schema.some((c) => c.name === AGENT_ID_COLUMN));
  const selectedAgentIds = useMemo(() => {
    if (!result || !hasAgentIds) return [];
    const ids = [...selected]
      .map((i) => result.results[i]?.[AGENT_ID_COLUMN])
      .filter((v): v is string => typeof v === 'string' && v !== '');
    return [...new Set(ids)];
  }, [result, selected, hasAgentIds]);

  const toggleSort = (column: string) =>
    setSort((s) =>
      s?.column === column
        ? { column, direction: s.direction === 'ascending' ? 'descending' : 'ascending' }
        : { column, direction: 'ascending' },
    );
  const toggleRow = (index: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });
  const toggleAll = () =>
    setSelected((s) =>
      result && s.size < result.results.length ? new Set(result.results.map((_, i) => i)) : new Set(),
    );

  const exportCsv = () => {
    if (!result) return;
    downloadText(
      'hunting-results.csv',
      toCsv(
        result.schema,
        order.map((i) => result.results[i] ?? {}),
      ),
    );
  };

  const keysFor = (dialogKey: string) => {
    let keys = bulkKeys.current.get(dialogKey);
    if (!keys) {
      keys = new Map();
      bulkKeys.current.set(dialogKey, keys);
    }
    return keys;
  };
  const notifyMakers = (message: string, dialogKey: string) =>
    forEachAgent(
      selectedAgentIds,
      keysFor(dialogKey),
      (id, key) => api.notifyMaker(id, message, key),
      'Notified the makers of',
    );
  const blockAgents = (reason: string, dialogKey: string) =>
    forEachAgent(selectedAgentIds, keysFor(dialogKey), (id, key) => api.blockAgent(id, reason, key), 'Blocked');

  return {
    templates,
    query,
    setQuery,
    run,
    runTemplate,
    runQuery,
    order,
    sort,
    toggleSort,
    selected,
    toggleRow,
    toggleAll,
    hasAgentIds,
    selectedAgentIds,
    exportCsv,
    visibleRows,
    showMoreRows: () => setVisibleRows((n) => n + ROWS_PER_STEP),
    canNotify: can('notifyMaker'),
    canBlock: can('bulkBlockAgents'),
    notifyMakers,
    blockAgents,
  };
}
