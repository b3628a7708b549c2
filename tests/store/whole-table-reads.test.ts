import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentSnapshot } from '../../bot/src/domain/types.js';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import { READ_PAGE } from '../../bot/src/store/agent-repository.js';
import { createStore, type Store } from '../../bot/src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { makeAgent } from '../fakes/agent-factory.js';

// More rows than one page, and snapshots whose times differ by a microsecond across a page boundary.
const agents = Array.from({ length: READ_PAGE + 345 }, (_, i) =>
  makeAgent({ id: `agent-${String(i).padStart(5, '0')}` }),
);
const snapshots: AgentSnapshot[] = agents.slice(0, 1200).flatMap((a) =>
  ['2026-11-01T09:00:00.000001Z', '2026-11-01T09:00:00.000002Z'].map((takenAt) => ({
    agentId: a.id,
    takenAt,
    agent: a,
  })),
);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`whole-table reads on ${backend.name}`, () => {
    let database: TestDatabase;
    let db: Db;
    let store: Store;

    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      await migrate(db);
      store = createStore(db);
      await store.agents.upsert(agents);
      await store.snapshots.save(snapshots);
    });
    afterAll(async () => {
      if (backend.name === 'pglite') await db.close();
      await database.drop();
    });

    it('reads every agent once, in id order, a page at a time', async () => {
      expect((await store.agents.all()).map((a) => a.id)).toEqual(agents.map((a) => a.id));
    });

    it('reads every snapshot once, by agent and time, a page at a time', async () => {
      const read = await store.snapshots.all();
      expect(read.map((s) => `${s.agentId} ${s.takenAt}`)).toEqual(snapshots.map((s) => `${s.agentId} ${s.takenAt}`));
    });
  });
}
