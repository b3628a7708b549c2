import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/types.js';
import { useVersionRefresh } from './useVersionRefresh.js';

export interface PagedList<T> {
  items: T[];
  error: Error | undefined;
  /** True until the first page is in. */
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  /** How many match in all, when the list's first page says (agents); null otherwise. */
  total: number | null;
  loadMore(): void;
  retry(): void;
  /** Reload what is shown in the background (after an action). */
  refresh(): void;
}

export type PageLoader<T> = (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>;

interface ListState<T> {
  key: string;
  items: T[];
  nextCursor: string | null;
  total: number | null;
  /** How many pages are shown; a quiet refresh reloads that many. */
  pages: number;
  loaded: boolean;
  error?: Error;
}

const empty = <T>(key: string): ListState<T> => ({
  key,
  items: [],
  nextCursor: null,
  total: null,
  pages: 0,
  loaded: false,
});

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A cursor-paged list (`Page<T>`). `key` names the query: when it changes the list starts over.
 * When the server's change version moves, the pages shown so far are reloaded in order and swapped in
 * at once, so rows stay in place while the user scrolls. One request runs at a time.
 */
export function usePagedList<T>(key: string, loadPage: PageLoader<T>): PagedList<T> {
  const [state, setState] = useState<ListState<T>>(() => empty(key));
  const [retries, setRetries] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const loader = useRef(loadPage);
  loader.current = loadPage;
  const stateRef = useRef(state);
  stateRef.current = state;
  const busy = useRef(false);
  const refreshPending = useRef(false);
  const controllerRef = useRef<AbortController | null>(null);
  const refreshRef = useRef<() => void>(() => undefined);

  const finish = useCallback(() => {
    busy.current = false;
    if (refreshPending.current) {
      refreshPending.current = false;
      refreshRef.current();
    }
  }, []);

  /** Loads `pages` pages from the start and replaces the list with them. */
  const reload = useCallback(
    (listKey: string, controller: AbortController, pages: number, quiet: boolean) => {
      busy.current = true;
      const run = async () => {
        const items: T[] = [];
        let cursor: string | null = null;
        let loaded = 0;
        let total: number | null = null;
        do {
          const page: Page<T> = await loader.current(cursor, controller.signal);
          if (loaded === 0) total = page.total ?? null;
          items.push(...page.items);
          cursor = page.nextCursor;
          loaded += 1;
        } while (cursor && loaded < pages);
        return { items, cursor, loaded, total };
      };
      run().then(
        ({ items, cursor, loaded, total }) => {
          if (controller.signal.aborted) return;
          setState({ key: listKey, items, nextCursor: cursor, total, pages: loaded, loaded: true });
          finish();
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (!(quiet && stateRef.current.loaded)) setState({ ...empty<T>(listKey), error: asError(error) });
          finish();
        },
      );
    },
    [finish],
  );

  useEffect(() => {
    const controller = new AbortController();
    controllerRef.current = controller;
    refreshPending.current = false;
    setState((s) => (s.key === key && !s.loaded && !s.error ? s : empty(key)));
    setLoadingMore(false);
    reload(key, controller, 1, false);
    return () => controller.abort();
  }, [key, retries, reload]);

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    const controller = controllerRef.current;
    if (busy.current || !controller || !s.loaded || !s.nextCursor) return;
    busy.current = true;
    setLoadingMore(true);
    loader.current(s.nextCursor, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState((prev) =>
          prev.key === s.key
            ? { ...prev, items: [...prev.items, ...page.items], nextCursor: page.nextCursor, pages: prev.pages + 1 }
            : prev,
        );
        setLoadingMore(false);
        finish();
      },
      () => {
        if (controller.signal.aborted) return;
        setLoadingMore(false);
        finish();
      },
    );
  }, [finish]);

  const refresh = useCallback(() => {
    const s = stateRef.current;
    const controller = controllerRef.current;
    // A list that failed to load tries again (the server is back); one still loading is left alone.
    if (!controller || !(s.loaded || s.error)) return;
    if (busy.current) {
      refreshPending.current = true;
      return;
    }
    reload(s.key, controller, Math.max(1, s.pages), true);
  }, [reload]);
  refreshRef.current = refresh;
  useVersionRefresh(refresh);

  const retry = useCallback(() => setRetries((n) => n + 1), []);

  const current = state.key === key ? state : empty<T>(key);
  return {
    items: current.items,
    error: current.error,
    loading: !current.loaded && !current.error,
    loadingMore,
    hasMore: current.loaded && current.nextCursor !== null,
    total: current.total,
    loadMore,
    retry,
    refresh,
  };
}
