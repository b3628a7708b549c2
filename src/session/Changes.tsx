import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useSession } from './Session.js';

export const CHANGES_POLL_MS = 3000;

const ChangesContext = createContext(0);

/**
 * Polls `GET /api/v1/changes` and publishes the version; pages refetch when it moves, so actions taken
 * from a card in the channel show up without a reload. Paused while the tab is hidden.
 */
export function ChangesProvider({
  children,
  intervalMs = CHANGES_POLL_MS,
}: {
  children: ReactNode;
  intervalMs?: number;
}) {
  const { api } = useSession();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (intervalMs <= 0) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const tick = async () => {
      if (!document.hidden) {
        try {
          const { version: next } = await api.changes(controller.signal);
          if (!stopped) setVersion(next);
        } catch {
          // A missed poll is retried on the next tick.
        }
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    // The first answer is the baseline pages compare against; ask for it straight away.
    void tick();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, intervalMs]);

  return <ChangesContext.Provider value={version}>{children}</ChangesContext.Provider>;
}

/** The server's change version; 0 until the first poll answers. */
export function useChangeVersion(): number {
  return useContext(ChangesContext);
}
