import type { ProtectionEvent } from '../domain/types.js';
import type { Page } from '../domain/views.js';
import type { Sql } from '../store/db.js';
import type { EventFilter } from '../store/protection-repository.js';
import { ProtectionEventRepository } from '../store/protection-repository.js';

export type { EventFilter };

/** The SOC's "why was this blocked?" lookup over the webhook's stored decisions, newest first. */
export async function listProtectionEvents(db: Sql, f: EventFilter): Promise<Page<ProtectionEvent>> {
  return new ProtectionEventRepository(db).list(f);
}
