import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HuntingTables } from '../../bot/src/hunting/hunting-tables.js';
import { ResponseService } from '../../bot/src/response/response-service.js';
import { RiskRefresher } from '../../bot/src/inventory/risk-refresher.js';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import type { Store } from '../../bot/src/store/store.js';
import { createStore } from '../../bot/src/store/store.js';
import { embeddedTenant } from '../../bot/src/tenant/embedded/embedded-tenant.js';
import { loadTenantSeed } from '../../bot/src/tenant/embedded/seed-loader.js';
import { ZAVA_AGENT_IDS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/test-db.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const ADELE = { id: 'adele', upn: 'adele@zava.example', displayName: 'Adele Vance', roles: ['admin' as const] };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`hunting tables over the store on ${backend.name}`, () => {
    let database: TestDatabase;
    let db: Db;
    let store: Store;
    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      await migrate(db);
      store = createStore(db);
      await loadTenantSeed(store, zavaTenant(NOW));
    });
    afterAll(async () => {
      await db?.close();
      await database?.drop();
    });

    it('builds AIAgentsInfo, AgentsInfo and IdentityInfo from the agents, their snapshots and the directory', async () => {
      const tables = await new HuntingTables(store, () => NOW).current();
      const agents = await store.agents.all();
      const newest = new Set(tables.AIAgentsInfo.map((r) => r.AIAgentId));
      expect(newest.size).toBe(agents.length);
      expect(tables.AIAgentsInfo.length).toBeGreaterThan(agents.length);
      expect(tables.IdentityInfo.length).toBe((await store.users.all()).length);
      const billing = tables.AIAgentsInfo.filter((r) => r.AIAgentId === ZAVA_AGENT_IDS.customerBillingAgent);
      expect(billing.map((r) => (r.Timestamp as Date).toISOString())).toEqual(
        [...billing.map((r) => (r.Timestamp as Date).toISOString())].sort(),
      );
    });

    it('rebuilds only the runtime part when a protection decision is stored, keeping the agent rows', async () => {
      const tables = new HuntingTables(store, () => NOW);
      const first = await tables.current();
      await store.incidents.saveEvents([
        {
          id: 'evt-hunting-parts',
          occurredAt: NOW.toISOString(),
          kind: 'toolInvocation',
          userId: null,
          agentId: ZAVA_AGENT_IDS.customerBillingAgent,
          toolId: null,
          toolName: 'Send an email',
          ip: null,
          decision: 'block',
          rules: ['exfiltration'],
          reasonCode: 1003,
          latencyMs: 3,
          correlationId: null,
          conversationId: null,
          failMode: false,
          summary: 'blocked for the parts test',
        },
      ]);
      const second = await tables.current();
      expect(second.parts.agents).toBe(first.parts.agents);
      expect(second.AIAgentsInfo).toBe(first.AIAgentsInfo);
      expect(second.parts.runtime).toBeGreaterThan(first.parts.runtime);
      expect(second.BehaviorInfo.map((r) => r.BehaviorId)).toContain('evt-hunting-parts');
      expect(second.version).toBeGreaterThan(first.version);
    });

    it('keeps the tables while nothing changes and rebuilds them when the change version moves', async () => {
      const tables = new HuntingTables(store, () => NOW);
      const first = await tables.current();
      expect(await tables.current()).toBe(first);
      const actions = new ResponseService(store, embeddedTenant(store), new RiskRefresher(store, () => NOW), () => NOW);
      await actions.blockAgent(
        { principal: ADELE, idempotencyKey: null, via: 'api' },
        ZAVA_AGENT_IDS.holidayPartyPlanner,
        'dormant',
      );
      const second = await tables.current();
      expect(second).not.toBe(first);
      expect(second.version).toBeGreaterThan(first.version);
      const newest = second.AgentsInfo.filter((r) => r.AgentId === ZAVA_AGENT_IDS.holidayPartyPlanner).at(-1);
      expect(newest?.LifecycleStatus).toBe('Blocked');
    });
  });
}
