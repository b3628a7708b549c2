import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../bot/src/domain/types.js';
import { assessAgentRisk } from '../../bot/src/domain/risk.js';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import { createStore, type Store } from '../../bot/src/store/store.js';
import { RiskRefresher } from '../../bot/src/inventory/risk-refresher.js';
import { changeVersion } from '../../bot/src/store/outbox.js';
import { accountStateLookup } from '../../bot/src/domain/account-state.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { makeAgent, makeUser } from '../fakes/agent-factory.js';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const users = [
  makeUser({ id: 'u-1', upn: 'Maker@zava.example', accountEnabled: true }),
  makeUser({ id: 'u-2', upn: 'gone@zava.example', accountEnabled: false }),
];

/** 2,500 agents: more than two batches; some dormant, some owned by a disabled or unknown account. */
const agents: Agent[] = Array.from({ length: 2500 }, (_, i) =>
  makeAgent({
    id: `agent-${String(i).padStart(5, '0')}`,
    createdBy: ['maker@zava.example', 'gone@zava.example', 'nobody@zava.example'][i % 3]!,
    owners: [['maker@zava.example', 'gone@zava.example', 'nobody@zava.example'][(i + 1) % 3]!],
    lastActivityAt: i % 4 === 0 ? '2026-01-01T00:00:00.000Z' : '2026-11-30T00:00:00.000Z',
  }),
);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`risk refresh on ${backend.name}`, () => {
    let database: TestDatabase;
    let db: Db;
    let store: Store;

    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      await migrate(db);
      store = createStore(db);
      await store.users.upsert(users);
      await store.agents.upsert(agents);
    });
    afterAll(async () => {
      if (backend.name === 'pglite') await db.close();
      await database.drop();
    });

    it('stops between batches once aborted', async () => {
      const abort = new AbortController();
      abort.abort();
      expect(await new RiskRefresher(store, () => NOW).refreshAll(abort.signal)).toBe(0);
      expect((await store.agents.getRisk('agent-00000'))?.signals).toEqual([]);
    });

    it('reassesses every agent, batch by batch, as one assessment of the whole tenant would', async () => {
      expect(await new RiskRefresher(store, () => NOW).refreshAll()).toBe(agents.length);
      const accountState = accountStateLookup(users);
      for (const agent of [agents[0]!, agents[1]!, agents[999]!, agents[1000]!, agents[2001]!, agents[2499]!]) {
        const expected = assessAgentRisk(agent, { now: NOW, accountState, openAlerts: { high: 0, critical: 0 } });
        expect(await store.agents.getRisk(agent.id)).toEqual(expected);
      }
      const assessed = await db.query<{ n: number }>(
        `select count(*)::int as n from agents where risk->'signals' @> '[{"id":"dormant"}]'`,
      );
      expect(assessed[0]?.n).toBe(agents.filter((_, i) => i % 4 === 0).length);
    });

    it('reassesses the named agents in a transaction of its own, skipping unknown ids, and tells the tab', async () => {
      const refresher = new RiskRefresher(store, () => NOW);
      await refresher.refreshAll();
      const changed = { ...agents[1]!, userAuthentication: 'none' as const };
      const untouched = { ...agents[2]!, userAuthentication: 'none' as const };
      await store.agents.upsert([changed, untouched]);
      const version = await changeVersion(db);
      await refresher.refreshAgents([changed.id, 'no-such-agent', changed.id]);
      expect((await store.agents.getRisk(changed.id))?.signals.map((x) => x.id)).toContain('no-user-auth');
      expect((await store.agents.getRisk(untouched.id))?.signals.map((x) => x.id)).not.toContain('no-user-auth');
      expect(await changeVersion(db)).toBeGreaterThan(version);
      await refresher.refreshAgents(['no-such-agent']);
      await store.agents.upsert([agents[1]!, agents[2]!]);
      await refresher.refreshAll();
    });
  });
}
