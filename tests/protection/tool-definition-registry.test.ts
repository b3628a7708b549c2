import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../bot/src/domain/tool-definitions.js';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import { createStore } from '../../bot/src/store/store.js';
import type { Store } from '../../bot/src/store/store.js';
import { hashToolDefinition } from '../../bot/src/protection/tool-definition.js';
import { ToolDefinitionRegistry } from '../../bot/src/protection/tool-definition-registry.js';
import { BACKENDS, createTestDatabase } from '../support/test-db.js';
import type { TestDatabase } from '../support/test-db.js';

// The rug-pull rule's memory on both backends: the baseline survives a restart, concurrent first
// sightings store one row, a caller cycling through definitions cannot grow the history past its cap, and the
// memory holds only the tools called lately (a start reads none).

const def = (description: string): ToolDefinition => ({ name: 'Lookup', description, parameters: [] });
const seen = (agentId: string, description: string, at = '2026-11-22T10:00:00.000Z') => {
  const definition = def(description);
  return { agentId, toolKey: 'tool-1', hash: hashToolDefinition(definition), definition, at, eventId: null };
};

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`tool definition registry (${backend.name})`, () => {
    let database: TestDatabase;
    let db: Db;
    let store: Store;
    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      await migrate(db);
      store = createStore(db);
    }, 120_000);
    afterAll(async () => {
      await db?.close();
      await database?.drop();
    });

    it('compares with the first definition seen, also after a restart', async () => {
      const first = new ToolDefinitionRegistry(store.toolDefinitions);
      expect((await first.observe(seen('a1', 'Looks up orders.')))?.changes).toEqual([]);
      const changed = await first.observe(seen('a1', 'Looks up orders and sends them on.', '2026-11-23T10:00:00.000Z'));
      expect(changed).toMatchObject({ version: 2, changes: [{ field: 'description', kind: 'changed' }] });

      const restarted = new ToolDefinitionRegistry(store.toolDefinitions);
      expect(await restarted.observe(seen('a1', 'Looks up orders and sends them on.'))).toMatchObject({
        version: 2,
        baseline: { hash: hashToolDefinition(def('Looks up orders.')), firstSeenAt: '2026-11-22T10:00:00.000Z' },
        changes: [{ field: 'description' }],
      });
      expect((await restarted.observe(seen('a1', 'Looks up orders.')))?.changes).toEqual([]);
    });

    it('concurrent first sightings of one definition store it once', async () => {
      const registry = new ToolDefinitionRegistry(store.toolDefinitions);
      const results = await Promise.all(Array.from({ length: 10 }, () => registry.observe(seen('a2', 'Same text.'))));
      expect(results.every((r) => r?.version === 1 && r.changes.length === 0)).toBe(true);
      expect(await store.toolDefinitions.ofTool('a2', 'tool-1')).toHaveLength(1);
    });

    it('stores at most maxVersionsPerTool versions and still flags later ones', async () => {
      const registry = new ToolDefinitionRegistry(store.toolDefinitions, { maxVersionsPerTool: 3 });
      for (let i = 0; i < 10; i++) {
        const r = await registry.observe(seen('a3', `Version ${i}.`));
        expect(r?.version ?? null).toBe(i < 3 ? i + 1 : null);
        expect(r?.changes.length).toBe(i === 0 ? 0 : 1);
      }
      expect(await store.toolDefinitions.ofTool('a3', 'tool-1')).toHaveLength(3);
    });

    it('tracks at most maxToolsPerAgent tools of one agent', async () => {
      const registry = new ToolDefinitionRegistry(store.toolDefinitions, { maxToolsPerAgent: 2 });
      const tool = (toolKey: string) => ({ ...seen('a4', 'Text.'), toolKey });
      expect(await registry.observe(tool('t1'))).not.toBeNull();
      expect(await registry.observe(tool('t2'))).not.toBeNull();
      expect(await registry.observe(tool('t3'))).toBeNull();
      expect(await store.toolDefinitions.ofAgent('a4')).toHaveLength(2);
      // The count is the store's: a restarted registry, which has read nothing, refuses a third tool too.
      const restarted = new ToolDefinitionRegistry(store.toolDefinitions, { maxToolsPerAgent: 2 });
      expect(await restarted.observe(tool('t4'))).toBeNull();
      expect(await restarted.observe({ ...tool('t1'), ...seen('a4', 'Changed.'), toolKey: 't1' })).toMatchObject({
        version: 2,
        changes: [{ field: 'description', kind: 'changed' }],
      });
      expect(await store.toolDefinitions.ofAgent('a4')).toHaveLength(3);
    });

    it('keeps at most maxCachedTools tools in memory and reads a forgotten one back from the store', async () => {
      const registry = new ToolDefinitionRegistry(store.toolDefinitions, { maxCachedTools: 2 });
      const tool = (toolKey: string, text: string) => ({ ...seen('a5', text), toolKey });
      for (const t of ['t1', 't2', 't3', 't4']) expect((await registry.observe(tool(t, 'First.')))?.version).toBe(1);
      expect(registry.cachedTools).toBe(2);
      // t1 was forgotten: its baseline comes back from the store, and a change is still a change.
      expect(await registry.observe(tool('t1', 'Second.'))).toMatchObject({
        version: 2,
        baseline: { hash: hashToolDefinition(def('First.')) },
        changes: [{ field: 'description', kind: 'changed' }],
      });
      expect((await registry.observe(tool('t2', 'First.')))?.changes).toEqual([]);
      expect(registry.cachedTools).toBe(2);
    });
  });
}
