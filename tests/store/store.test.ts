import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import type { Store } from '../../bot/src/store/store.js';
import { createStore } from '../../bot/src/store/store.js';
import { claimIdempotencyKey, recordIdempotentResult } from '../../bot/src/store/idempotency.js';
import { changeVersion, enqueueOutbox } from '../../bot/src/store/outbox.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { makeAgent, makeTool } from '../fakes/agent-factory.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`store on ${backend.name}`, () => {
    let database: TestDatabase;
    let db: Db;
    let store: Store;

    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      store = createStore(db);
    });
    afterAll(async () => {
      if (backend.name === 'pglite') await db.close();
      await database.drop();
    });

    it('moves the change version with the very first change of a fresh database', async () => {
      const fresh = await createTestDatabase(backend.name);
      const freshDb = await fresh.open();
      try {
        await migrate(freshDb);
        expect(await changeVersion(freshDb)).toBe(0);
        await freshDb.transaction((tx) => enqueueOutbox(tx, 'agent.changed', 'agent-1'));
        expect(await changeVersion(freshDb)).toBe(1);
      } finally {
        if (backend.name === 'pglite') await freshDb.close();
        await fresh.drop();
      }
    });

    it('applies migrations once, recorded, even when instances start together', async () => {
      const others = backend.name === 'postgres' ? await Promise.all([database.open(), database.open()]) : [];
      const results = await Promise.all([db, ...others].map((d) => migrate(d)));
      const appliedTotal = results.reduce((n, r) => n + r.applied.length, 0);
      expect(appliedTotal).toBe(results[0]?.total);
      expect((await migrate(db)).applied).toEqual([]);
      const recorded = await db.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(recorded[0]?.n).toBe(results[0]?.total);
    });

    it('stores agents and lists them by filter, sort and cursor', async () => {
      const agents = Array.from({ length: 25 }, (_, i) =>
        makeAgent({
          id: `agent-${String(i).padStart(2, '0')}`,
          name: `Agent ${String.fromCharCode(65 + (i % 26))}${i}`,
          platform: i % 2 ? 'azureAIFoundry' : 'copilotStudio',
          tools: i % 5 === 0 ? [makeTool({ kind: 'mcpServer', connectionMode: 'maker' })] : [],
        }),
      );
      await store.agents.upsert(agents);
      await store.agents.setRisks(agents.map((a, i) => ({ id: a.id, risk: { score: i, level: 'low', signals: [] } })));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof store.agents.list>> = await store.agents.list({
          sort: 'risk',
          limit: 10,
          cursor,
        });
        seen.push(...page.rows.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(agents.map((a) => a.id).reverse());
      const mcp = await store.agents.list({ sort: 'name', limit: 50, mcpOnMakerCredentials: true });
      expect(mcp.rows.map((r) => r.id).sort()).toEqual(['agent-00', 'agent-05', 'agent-10', 'agent-15', 'agent-20']);
      const foundry = await store.agents.list({
        sort: 'modified',
        limit: 50,
        platforms: ['azureAIFoundry'],
        search: 'agent',
      });
      expect(foundry.rows).toHaveLength(12);
      expect(await store.agents.get('agent-03')).toMatchObject({ name: 'Agent D3' });
    });

    it('claims an idempotency key once and replays the stored result', async () => {
      await db.transaction(async (tx) => {
        expect(await claimIdempotencyKey(tx, 'k1', 'blockAgent')).toEqual({ fresh: true });
        await recordIdempotentResult(tx, 'k1', { outcome: 'done' });
      });
      const again = await db.transaction((tx) => claimIdempotencyKey(tx, 'k1', 'blockAgent'));
      expect(again).toEqual({ fresh: false, result: { outcome: 'done' } });
      await expect(db.transaction((tx) => claimIdempotencyKey(tx, 'k1', 'unblockAgent'))).rejects.toThrow(
        /different request/,
      );
    });

    it('hands each outbox message to one worker, and again after its lease expires', async () => {
      const before = await changeVersion(db);
      await db.transaction(async (tx) => {
        for (let i = 0; i < 6; i++) await enqueueOutbox(tx, 'incident.changed', `inc-${i}`);
      });
      expect(await changeVersion(db)).toBeGreaterThan(before);
      const [a, b] = await Promise.all([store.outbox.claim('w1', 4, 60_000), store.outbox.claim('w2', 4, 60_000)]);
      const claimed = [...a, ...b].map((m) => m.subjectId).sort();
      expect(claimed).toEqual(['inc-0', 'inc-1', 'inc-2', 'inc-3', 'inc-4', 'inc-5']);
      for (const m of a) await store.outbox.complete(m.seq);
      // w2 "crashes": a zero-length lease lets someone else take its messages.
      await db.query(`update outbox set claimed_until = now() - interval '1 second' where claimed_by = 'w2'`);
      const retaken = await store.outbox.claim('w3', 10, 60_000);
      expect(retaken.map((m) => m.subjectId).sort()).toEqual(b.map((m) => m.subjectId).sort());
      expect(retaken.every((m) => m.attempts === 2)).toBe(true);
    });

    it('keeps an append-only audit trail, newest first, paged', async () => {
      for (let i = 0; i < 5; i++) {
        await store.audit.append({
          at: new Date(Date.UTC(2026, 10, 22, 10, i)).toISOString(),
          actor: i % 2 ? 'adele@zava.example' : 'megan@zava.example',
          actorName: 'x',
          action: 'blockAgent',
          targetType: 'agent',
          targetId: `a${i}`,
          targetName: `A${i}`,
          outcome: 'succeeded',
          detail: '',
          via: 'api',
        });
      }
      const first = await store.audit.list({ limit: 2 });
      expect(first.items.map((r) => r.targetId)).toEqual(['a4', 'a3']);
      const second = await store.audit.list({ limit: 10, cursor: first.nextCursor });
      expect(second.items.map((r) => r.targetId)).toEqual(['a2', 'a1', 'a0']);
      const adele = await store.audit.list({ limit: 10, actor: 'ADELE@zava.example' });
      expect(adele.items).toHaveLength(2);
    });
  });
}
