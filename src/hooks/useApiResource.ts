import { useCallback, useEffect, useRef, useState } from 'react';
import { useVersionRefresh } from './useVersionRefresh.js';

export interface ApiResource<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True while there is nothing to show yet (first load, or the key changed). */
  loading: boolean;
  /** Load again, showing the loading state (the Retry button). */
  retry(): void;
  /** Load again in the background, keeping what is shown. */
  refresh(): void;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Loads one thing for a page. `key` says what is loaded: when it changes the old data is dropped.
 * Refreshes quietly when the server's change version moves; a failed quiet refresh keeps the old data.
 */
export function useApiResource<T>(key: string, load: (signal: AbortSignal) => Promise<T>): ApiResource<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error }>({ key });
  const [attempt, setAttempt] = useState({ n: 0, quiet: false });
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    if (!attempt.quiet) setState((s) => (s.key === key && !s.error && s.data === undefined ? s : { key }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => (attempt.quiet && s.key === key && s.data !== undefined ? s : { key, error: asError(error) }));
      },
    );
    return () => controller.abort();
  }, [key, attempt]);

  const retry = useCallback(() => setAttempt((a) => ({ n: a.n + 1, quiet: false })), []);
  const refresh = useCallback(() => setAttempt((a) => ({ n: a.n + 1, quiet: true })), []);
  useVersionRefresh(refresh);

  const current = state.key === key ? state : { key };
  return {
    data: current.data,
    error: current.error,
    loading: current.data === undefined && current.error === undefined,
    retry,
    refresh,
  };
}
