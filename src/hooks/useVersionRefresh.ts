import { useEffect, useRef } from 'react';
import { useChangeVersion } from '../session/Changes.js';

/**
 * Calls `refresh` when the server's change version moves. The first version seen is only a baseline:
 * the page's own first load is at least that fresh.
 */
export function useVersionRefresh(refresh: () => void): void {
  const version = useChangeVersion();
  const seen = useRef(version);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const previous = seen.current;
    seen.current = version;
    if (previous !== 0 && version !== previous) latest.current();
  }, [version]);
}
