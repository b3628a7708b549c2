import type { Store } from '../../store/store.js';
import type { TenantSeed } from './tenant-seed.js';

/** Writes a tenant seed into an empty store in one transaction. */
export async function loadTenantSeed(store: Store, seed: TenantSeed): Promise<void> {
  await store.db.transaction(async (tx) => {
    await store.users.upsert(seed.users, tx);
    await store.agents.upsert(seed.agents, tx);
    await store.snapshots.save(seed.snapshots, tx);
    await store.incidents.saveIncidents(seed.incidents, tx);
    await store.incidents.saveAlerts(seed.alerts, tx);
    await store.incidents.saveEvents(seed.events, tx);
    await store.incidents.linkEvents(linkEventsToAlerts(seed), tx);
    await store.incidents.recountEvents(
      seed.incidents.map((i) => i.id),
      tx,
    );
    await store.submissions.save(seed.submissions, tx);
    await store.meta.set('seed', { at: new Date().toISOString(), agents: seed.agents.length }, tx);
  });
}

/** An event belongs to the alerts about its user or agent whose activity window contains it. */
function linkEventsToAlerts(seed: TenantSeed): { alertId: string; eventId: string }[] {
  const links: { alertId: string; eventId: string }[] = [];
  for (const alert of seed.alerts) {
    const agentIds = new Set(alert.evidence.flatMap((e) => (e.type === 'agent' ? [e.agentId] : [])));
    const userIds = new Set(alert.evidence.flatMap((e) => (e.type === 'user' ? [e.userId] : [])));
    const from = Date.parse(alert.firstActivityAt);
    const to = Date.parse(alert.lastActivityAt);
    for (const event of seed.events) {
      const t = Date.parse(event.occurredAt);
      const about = (event.agentId && agentIds.has(event.agentId)) || (event.userId && userIds.has(event.userId));
      if (about && t >= from && t <= to && (event.decision === 'block' || event.rules.length > 0)) {
        links.push({ alertId: alert.id, eventId: event.id });
      }
    }
  }
  return links;
}
