import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ServerUnreachableError } from '../api/api-client.js';
import { useSession } from './Session.js';

export const CHANGES_POLL_MS = 3000;

export interface ServerChanges {
  /** The server's change version; 0 until the first poll answers. */
  version: number;
  /** The last poll got no answer: the server is stopped or the network is down. */
  offline: boolean;
  /** Moves each time the server answers again after being offline. */
  reconnects: number;
}

const ChangesContext = createContext<ServerChanges>({ version: 0, offline: false, reconnects: 0 });

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
  const [changes, setChanges] = useState<ServerChanges>({ version: 0, offline: false, reconnects: 0 });

  useEffect(() => {
    if (intervalMs <= 0) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const tick = async () => {
      if (!document.hidden) {
        try {
          const { version: next } = await api.changes(controller.signal);
          if (!stopped) {
            setChanges((c) =>
              c.version === next && !c.offline
                ? c
                : { version: next, offline: false, reconnects: c.reconnects + (c.offline ? 1 : 0) },
            );
          }
        } catch (error) {
          // A missed poll is retried on the next tick; no answer at all means the server is offline.
          if (!stopped && error instanceof ServerUnreachableError) {
            setChanges((c) => (c.offline ? c : { ...c, offline: true }));
          }
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

  return <ChangesContext.Provider value={changes}>{children}</ChangesContext.Provider>;
}

/** The server's change version and whether it answers. */
export function useServerChanges(): ServerChanges {
  return useContext(ChangesContext);
}
