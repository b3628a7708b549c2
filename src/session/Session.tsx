import { createContext, useContext, type ReactNode } from 'react';
import type { WardenApi } from '../api/warden-api.js';
import type { Me, ServerInfo } from '../api/types.js';
import type { HostInfo } from '../host/host-types.js';
import { can, type Permission } from './permissions.js';

export interface SessionValue {
  api: WardenApi;
  info: ServerInfo;
  me: Me;
  host: HostInfo;
  /** AUTH=dev: the persona's UPN; null with real sign-in. */
  devUser: string | null;
  /** AUTH=dev: forget the persona and show the picker again. */
  switchPersona(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** Whether the signed-in person may do something; hides actions from those who may not. */
export function useCan(): (permission: Permission) => boolean {
  const { me } = useSession();
  return (permission) => can(me.roles, permission);
}
