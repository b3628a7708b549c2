import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { parseRoute, type Route } from './routes.js';

export interface NavigateOptions {
  replace?: boolean;
}

export interface RouterValue {
  route: Route;
  pathname: string;
  query: URLSearchParams;
  /** Go to a path (may carry `?query`). */
  navigate(to: string, options?: NavigateOptions): void;
  /** Change some query parameters of the current page (null removes one); replaces the history entry. */
  setQuery(changes: Record<string, string | null>): void;
}

const RouterContext = createContext<RouterValue | null>(null);

function readLocation() {
  return { pathname: window.location.pathname, search: window.location.search };
}

/** A tiny history-API router: the URL is the state, popstate keeps it in step with back/forward. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(readLocation);

  useEffect(() => {
    const onPop = () => setLocation(readLocation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((to: string, options: NavigateOptions = {}) => {
    const current = window.location.pathname + window.location.search;
    if (to !== current) {
      if (options.replace) window.history.replaceState(null, '', to);
      else window.history.pushState(null, '', to);
    }
    setLocation(readLocation());
  }, []);

  const setQuery = useCallback((changes: Record<string, string | null>) => {
    const params = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) params.delete(key);
      else params.set(key, value);
    }
    const search = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (search ? `?${search}` : ''));
    setLocation(readLocation());
  }, []);

  const value = useMemo<RouterValue>(
    () => ({
      route: parseRoute(location.pathname),
      pathname: location.pathname,
      query: new URLSearchParams(location.search),
      navigate,
      setQuery,
    }),
    [location, navigate, setQuery],
  );
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter must be used inside <RouterProvider>');
  return value;
}
