import type { DirectoryUser } from './types.js';

/** Directory state of a UPN: enabled, disabled, or unknown to the directory. */
export type AccountState = 'enabled' | 'disabled' | 'missing';

/** Looks UPNs up (case-insensitively) among the directory's users, for the risk signals that need owners. */
export function accountStateLookup(users: DirectoryUser[]): (upn: string) => AccountState {
  const byUpn = new Map(users.map((u) => [u.upn.toLowerCase(), u]));
  return (upn) => {
    const user = byUpn.get(upn.toLowerCase());
    if (!user) return 'missing';
    return user.accountEnabled ? 'enabled' : 'disabled';
  };
}
