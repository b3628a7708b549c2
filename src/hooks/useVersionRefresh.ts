import { useEffect, useRef } from 'react';
import { useServerChanges } from '../session/Changes.js';

/**
 * Calls `refresh` when the server's change version moves, and when the server answers again after
 * being offline (a page that failed meanwhile recovers by itself). The first version seen is only a
 * baseline: the page's own first load is at least that fresh.
 */
export function useVersionRefresh(refresh: () => void): void {
  const { version, reconnects } = useServerChanges();
  const seen = useRef({ version, reconnects });
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const previous = seen.current;
    seen.current = { version, reconnects };
    const moved = previous.version !== 0 && version !== previous.version;
    if (moved || reconnects !== previous.reconnects) latest.current();
  }, [version, reconnects]);
}
