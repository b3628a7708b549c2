import { useEffect, useMemo, useRef, useState } from 'react';
import type { ActionResult, BulkActionResult, HuntingResult, HuntingSchema, HuntingTemplate } from '../../api/types.js';
import { useApiResource } from '../../hooks/useApiResource.js';
import { useCan, useSession } from '../../session/Session.js';
import { sortedIndexes, type SortState } from './sortRows.js';
import { downloadText, toCsv } from './toCsv.js';
import type { QueryPlace } from './QueryEditor.js';
import { ApiRequestError } from '../../api/api-client.js';
import { tokenizeKql, type KqlSchema } from '../../components/kql-editor/kql-tokens.js';

export const AGENT_ID_COLUMN = 'AIAgentId';
export const ROWS_PER_STEP = 500;

interface RunState {
  running: boolean;
  result: RunResult | null;
  error: string | null;
  /** What produced the result, for the heading. */
  source: string | null;
  /** What the export file is named after: the template's id, or "query". */
  fileStem: string;
  /** Where the last error points in the query, when the server said. */
  errorAt: QueryPlace | null;
}

/** The line and column a 400 for a query points at (`error.issues[0]`). */
function errorPlace(error: unknown): QueryPlace | null {
  if (!(error instanceof ApiRequestError)) return null;
  const issues = (error.body?.error as { issues?: unknown } | undefined)?.issues;
  const first: unknown = Array.isArray(issues) ? issues[0] : undefined;
  if (!first || typeof first !== 'object') return null;
  const { line, column } = first as { line?: unknown; column?: unknown };
  return typeof line === 'number' && typeof column === 'number' ? { line, column } : null;
}

/** A file name that says what the file holds: `hunting-<template or query>-<YYYY-MM-DD>.csv`. */
export function exportFileName(stem: string, now: Date): string {
  const safe = stem.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'query';
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `hunting-${safe}-${day}.csv`;
}

/**
 * What a query's export is named after: the template it is (unchanged), else `query-<the table it reads>`.
 */
export function queryFileStem(query: string, templates: HuntingTemplate[], schema: KqlSchema | null): string {
  const same = templates.find((t) => t.query && t.query.trim() === query.trim());
  if (same) return same.id;
  const tokens = tokenizeKql(query, schema);
  const table =
    tokens.find((t) => t.kind === 'table') ??
    tokens.find((t) => t.kind === 'identifier' && /^[A-Za-z_]\w*$/.test(t.text));
  return table ? `query-${table.text}` : 'query';
}

/** Graph's getHuntingSchema shape, as the editor reads it. */
function editorSchema(schema: HuntingSchema): KqlSchema {
  return {
    tables: schema.tables.map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => ({ name: c.name, type: c.dataType })),
    })),
  };
}

/** The server's rows beyond the row cap are counted, not sent. */
type RunResult = HuntingResult & { rowCount?: number; truncated?: boolean };

/** One bulk request for all selected agents, summed up as the ActionResult the dialog shows. */
function summarizeBulk(result: BulkActionResult, verb: string): ActionResult {
  const { done, noop, failed } = result.summary;
  if (done + noop === 0) {
    throw new Error(`Nothing ${verb}: ${result.results.map((r) => `${r.agentId} (${r.message})`).join('; ')}`);
  }
  const parts = [`${verb} ${done} agent${done === 1 ? '' : 's'}`];
  if (noop) parts.push(`${noop} already so`);
  if (failed) {
    const failures = result.results.filter((r) => r.outcome === 'failed').map((r) => `${r.agentId} (${r.message})`);
    parts.push(`failed for ${failures.join('; ')}`);
  }
  return { outcome: done > 0 ? 'done' : 'noop', message: `${parts.join(', ')}.`, auditId: null };
}

/** `/hunting?template=<id>` (the bot's "open in the tab" link) runs that template on arrival. */
function templateFromUrl(): string | null {
  return typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('template');
}

export function useHuntingPage() {
  const { api } = useSession();
  const can = useCan();
  const templates = useApiResource<HuntingTemplate[]>('hunting-templates', (signal) => api.huntingTemplates(signal));
  const [query, setQuery] = useState('');
  // The tables and columns the editor colours and suggests: loaded once (they change with a release, not with data).
  const [schema, setSchema] = useState<KqlSchema | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api.huntingSchema(controller.signal).then(
      (answer) => setSchema(editorSchema(answer)),
      // Without it the editor still colours the grammar and offers operators.
      () => undefined,
    );
    return () => controller.abort();
  }, [api]);
  const [run, setRun] = useState<RunState>({
    running: false,
    result: null,
    error: null,
    source: null,
    fileStem: 'query',
    errorAt: null,
  });
  const [sort, setSort] = useState<SortState | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [visibleRows, setVisibleRows] = useState(ROWS_PER_STEP);
  // The dialog's key (one per opening) is the bulk request's idempotency key: a retry does not act twice.
  const autoRan = useRef(false);

  const execute = async (input: { templateId: string } | { query: string }, source: string) => {
    setRun((r) => ({ ...r, running: true, error: null, errorAt: null }));
    try {
      const result = await api.runHunting(input);
      const fileStem =
        'templateId' in input ? input.templateId : queryFileStem(input.query, templates.data ?? [], schema);
      setRun({ running: false, result, error: null, source, fileStem, errorAt: null });
      setSort(null);
      setSelected(new Set());
      setVisibleRows(ROWS_PER_STEP);
    } catch (error) {
      setRun((r) => ({
        ...r,
        running: false,
        error: error instanceof Error ? error.message : String(error),
        errorAt: errorPlace(error),
      }));
    }
  };

  const runTemplate = (template: HuntingTemplate) => {
    if (template.query) setQuery(template.query);
    void execute({ templateId: template.id }, template.name);
  };
  useEffect(() => {
    const wanted = templateFromUrl();
    if (autoRan.current || !wanted || !templates.data) return;
    autoRan.current = true;
    const template = templates.data.find((t) => t.id === wanted);
    if (template) runTemplate(template);
    // runTemplate is recreated every render; the ref keeps this to one run.
  }, [templates.data]);

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
      exportFileName(run.fileStem, new Date()),
      toCsv(
        result.schema,
        order.map((i) => result.results[i] ?? {}),
      ),
    );
  };

  const notifyMakers = async (message: string, dialogKey: string) =>
    summarizeBulk(await api.bulkNotifyMakers(selectedAgentIds, message, dialogKey), 'Notified the makers of');
  const blockAgents = async (reason: string, dialogKey: string) =>
    summarizeBulk(await api.bulkBlockAgents(selectedAgentIds, reason, dialogKey), 'Blocked');

  return {
    templates,
    query,
    setQuery,
    schema,
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
