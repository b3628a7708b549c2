import type { DirectoryUser } from '../../../domain/types.js';
import type { TenantSeed } from '../tenant-seed.js';
import { seedClock } from '../tenant-seed.js';
import { zavaAgents } from './agents.js';
import { zavaHistory } from './history.js';
import type { ZavaAlias } from './ids.js';
import { ZAVA_ALIASES, ZAVA_USER_IDS } from './ids.js';
import { zavaSubmissions } from './submissions.js';
import { zavaUsers } from './users.js';

/** The Zava demo tenant, every time relative to `now` so the demo is always fresh. */
export function zavaTenant(now: Date): TenantSeed {
  const t = seedClock(now);
  const users = zavaUsers(t);
  const byId = new Map(users.map((u) => [u.id, u]));
  const usersByAlias = Object.fromEntries(ZAVA_ALIASES.map((a) => [a, byId.get(ZAVA_USER_IDS[a])!])) as Record<
    ZavaAlias,
    DirectoryUser
  >;
  const { agents, snapshots, byKey } = zavaAgents(t);
  const { alerts, incidents, events } = zavaHistory(t, byKey, usersByAlias);
  return { users, agents, snapshots, alerts, incidents, events, submissions: zavaSubmissions(t, byKey) };
}
