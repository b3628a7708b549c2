import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, Alert, AlertStatus, Severity } from '../../bot/src/domain/types.js';
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

/** An alert whose evidence names the agents. */
const alertOn = (id: string, severity: Severity, status: AlertStatus, agentIds: string[]): Alert => ({
  id,
  incidentId: null,
  title: id,
  description: '',
  category: 'Exfiltration',
  severity,
  status,
  classification: null,
  detectorId: 'exfiltration',
  serviceSource: 'Agent Warden',
  recommendedActions: '',
  mitreTechniques: [],
  evidence: agentIds.map((agentId) => ({
    type: 'agent' as const,
    agentId,
    agentName: agentId,
    platform: 'copilotStudio',
  })),
  eventCount: 1,
  dedupKey: id,
  createdAt: NOW.toISOString(),
  lastUpdatedAt: NOW.toISOString(),
  firstActivityAt: NOW.toISOString(),
  lastActivityAt: NOW.toISOString(),
  resolvedAt: status === 'resolved' ? NOW.toISOString() : null,
  alertWebUrl: null,
});

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
      expect(await new RiskRefresher(store, () => NOW).refreshAll({ signal: abort.signal })).toBe(0);
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

    it("counts each batch's own open alerts, an alert naming agents of several batches included", async () => {
      const [first, middle, last] = [agents[0]!, agents[1234]!, agents[2499]!];
      await store.incidents.saveAlerts([
        alertOn('alert-high', 'high', 'new', [first.id, last.id]),
        alertOn('alert-critical-resolved', 'critical', 'resolved', [middle.id]),
        alertOn('alert-medium', 'medium', 'inProgress', [middle.id, 'no-such-agent']),
        alertOn('alert-critical', 'critical', 'new', [last.id]),
      ]);
      try {
        await new RiskRefresher(store, () => NOW).refreshAll();
        const accountState = accountStateLookup(users);
        const expected = (agent: Agent, openAlerts: { high: number; critical: number; medium: number; low: number }) =>
          assessAgentRisk(agent, { now: NOW, accountState, openAlerts });
        expect(await store.agents.getRisk(first.id)).toEqual(
          expected(first, { high: 1, critical: 0, medium: 0, low: 0 }),
        );
        expect(await store.agents.getRisk(middle.id)).toEqual(
          expected(middle, { high: 0, critical: 0, medium: 1, low: 0 }),
        );
        expect(await store.agents.getRisk(last.id)).toEqual(
          expected(last, { high: 1, critical: 1, medium: 0, low: 0 }),
        );
        expect((await store.agents.getRisk(last.id))?.signals.map((x) => x.id)).toContain('open-high-alerts');
      } finally {
        await db.query("delete from alerts where id like 'alert-%'");
        await new RiskRefresher(store, () => NOW).refreshAll();
      }
    });

    it('waits for beforeBatch before each batch, told how long the last one took, and stops once aborted there', async () => {
      const waits: number[] = [];
      const all = await new RiskRefresher(store, () => NOW).refreshAll({
        beforeBatch: async (lastBatchMs) => {
          waits.push(lastBatchMs);
        },
      });
      expect(all).toBe(agents.length);
      // 100 agents a batch, and one last batch that finds none.
      expect(waits).toHaveLength(agents.length / 100 + 1);
      expect(waits[0]).toBe(0);
      expect(waits.slice(1).every((ms) => ms > 0)).toBe(true);

      const abort = new AbortController();
      let batches = 0;
      const some = await new RiskRefresher(store, () => NOW).refreshAll({
        signal: abort.signal,
        beforeBatch: async () => {
          if (++batches === 3) abort.abort();
        },
      });
      expect(some).toBe(200);
    });
  });
}
