import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HuntingTableName } from '../../bot/src/hunting/hunting-tables.js';
import { HUNTING_SCHEMAS, HuntingTables } from '../../bot/src/hunting/hunting-tables.js';
import { HuntingService } from '../../bot/src/hunting/hunting-service.js';
import { unpackColumn } from '../../bot/src/hunting/query-worker/packed-tables.js';
import { PackedColumnFiles } from '../../bot/src/hunting/table-cache.js';
import type { Value } from '../../bot/src/hunting/kql/values.js';
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
const SNAPSHOT_COLUMNS = (['AIAgentsInfo', 'AgentsInfo'] as HuntingTableName[]).flatMap((table) =>
  (HUNTING_SCHEMAS[table] ?? []).map((column) => ({ table, column })),
);

/** Every snapshot column as the tables give it, unpacked. */
async function snapshotColumns(tables: HuntingTables): Promise<Map<string, Value[]>> {
  const at = await tables.at();
  const out = new Map<string, Value[]>();
  for (const { table, column } of SNAPSHOT_COLUMNS) {
    out.set(`${table}.${column.name}`, unpackColumn(await at.column(table, column), column.type));
  }
  return out;
}

/**
 * The column files under `dir` once a build has written them all (they are written in the background), in a
 * directory other than `older`'s (an earlier version's files, about to go).
 */
async function filesWritten(dir: string, older: string[] = []): Promise<string[]> {
  const skip = new Set(older.map((f) => path.basename(path.dirname(f))));
  // Up to a minute: a busy machine (CI beside other work) took more than 10 s to write them.
  for (let i = 0; i < 3000; i += 1) {
    const versions = await fs.readdir(dir).catch(() => [] as string[]);
    if (versions.length === 1 && !skip.has(versions[0] as string)) {
      // A newer version's first file removes an older version's directory meanwhile.
      const files = (await fs.readdir(path.join(dir, versions[0] as string)).catch(() => [] as string[])).filter((f) =>
        f.endsWith('.col'),
      );
      if (files.length === SNAPSHOT_COLUMNS.length) return files.map((f) => path.join(dir, versions[0] as string, f));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const seen = await Promise.all(
    (await fs.readdir(dir).catch(() => [] as string[])).map(
      async (d) => `${d}: ${(await fs.readdir(path.join(dir, d)).catch(() => [])).length}`,
    ),
  );
  throw new Error(`the column files were not all written under ${dir} (${seen.join(', ')})`);
}

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

    it('at a large tenant, answers from the last complete agent tables while a change is made, marked, then from the new', async () => {
      // Zava is small: the size from which an earlier version answers, and the wait, are lowered to zero here.
      const tables = new HuntingTables(store, () => NOW, null, { freshWaitMs: 0, staleFromRows: 0 });
      const service = new HuntingService(tables, () => NOW, undefined, { workers: 1 });
      const agent = ZAVA_AGENT_IDS.docsSearch;
      const lifecycle = async () => {
        const result = await service.run({
          query: `AgentsInfo | where AgentId == '${agent}' | top 1 by Timestamp desc | project LifecycleStatus`,
        });
        return { status: result.results[0]?.LifecycleStatus, asOf: result.stats.agentTablesAsOf };
      };
      try {
        const before = await lifecycle();
        expect(before.asOf).toBeUndefined();
        await service.prepared();
        const actions = new ResponseService(
          store,
          embeddedTenant(store),
          new RiskRefresher(store, () => NOW),
          () => NOW,
        );
        await actions.blockAgent({ principal: ADELE, idempotencyKey: null, via: 'api' }, agent, 'dormant');
        // The new version's tables are being made (in a thread of their own): the previous ones answer, marked.
        const during = await lifecycle();
        expect(during).toEqual({ status: before.status, asOf: NOW.toISOString() });
        expect(before.status).not.toBe('Blocked');
        // Once made, they answer.
        await service.prepared();
        expect(await lifecycle()).toEqual({ status: 'Blocked', asOf: undefined });
      } finally {
        await service.close();
      }
    });

    it('after a restart on changed data, a large tenant is answered from the last version on disk, marked, then from the new', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-hunting-files-'));
      const files = new PackedColumnFiles(dir);
      const agent = ZAVA_AGENT_IDS.travelBooking;
      const lifecycle = async (service: HuntingService) => {
        const result = await service.run({
          query: `AgentsInfo | where AgentId == '${agent}' | top 1 by Timestamp desc | project LifecycleStatus`,
        });
        return { status: result.results[0]?.LifecycleStatus, asOf: result.stats.agentTablesAsOf };
      };
      // Zava is small: the size from which an earlier version answers, and the wait, are lowered to zero here.
      const freshness = { freshWaitMs: 0, staleFromRows: 0 };
      const built = new Date(NOW.getTime() - 3_600_000);
      try {
        const first = new HuntingService(
          new HuntingTables(store, () => built, files, freshness),
          () => built,
          undefined,
          {
            workers: 1,
          },
        );
        let before: Awaited<ReturnType<typeof lifecycle>>;
        try {
          before = await lifecycle(first);
          expect(before.asOf).toBeUndefined();
          await first.prepared();
        } finally {
          await first.close();
        }
        const kept = await filesWritten(dir);
        // Stopped. An agent is blocked meanwhile (by another instance, or by this one just before it stopped).
        const actions = new ResponseService(
          store,
          embeddedTenant(store),
          new RiskRefresher(store, () => NOW),
          () => NOW,
        );
        await actions.blockAgent({ principal: ADELE, idempotencyKey: null, via: 'api' }, agent, 'dormant');
        try {
          const restarted = new HuntingService(
            new HuntingTables(store, () => NOW, files, freshness),
            () => NOW,
            undefined,
            {
              workers: 1,
            },
          );
          try {
            // The files of the version before the block answer, as of when that version was read; the current
            // version's build, which reads every agent, waits until the first queries are answered.
            const pages = vi.spyOn(store.agents, 'textPages');
            try {
              expect(await lifecycle(restarted)).toEqual({ status: before.status, asOf: built.toISOString() });
              expect(pages).not.toHaveBeenCalled();
            } finally {
              pages.mockRestore();
            }
            expect(before.status).not.toBe('Blocked');
            await restarted.prepared();
            expect(await lifecycle(restarted)).toEqual({ status: 'Blocked', asOf: undefined });
          } finally {
            await restarted.close();
          }
          // The new version is complete on disk: the earlier one's files and token are gone.
          const now = await filesWritten(dir, kept);
          expect(now).toHaveLength(kept.length);
          const tokens = await db.query<{ n: number }>('select count(*)::int as n from hunting_table_tokens');
          expect(Number(tokens[0]?.n)).toBe(1);
        } finally {
          await actions.unblockAgent({ principal: ADELE, idempotencyKey: null, via: 'api' }, agent, 'test over');
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    it('after a restart on changed data, a spoiled file of the last version is not read: the store answers', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-hunting-files-'));
      const files = new PackedColumnFiles(dir);
      const agent = ZAVA_AGENT_IDS.expensePolicy;
      const freshness = { freshWaitMs: 0, staleFromRows: 0 };
      const query = `AgentsInfo | where AgentId == '${agent}' | top 1 by Timestamp desc | project LifecycleStatus`;
      const actions = new ResponseService(store, embeddedTenant(store), new RiskRefresher(store, () => NOW), () => NOW);
      try {
        const first = new HuntingService(new HuntingTables(store, () => NOW, files, freshness), () => NOW, undefined, {
          workers: 1,
        });
        try {
          expect((await first.run({ query })).results[0]?.LifecycleStatus).toBe('Active');
          await first.prepared();
        } finally {
          await first.close();
        }
        const kept = await filesWritten(dir);
        await actions.blockAgent({ principal: ADELE, idempotencyKey: null, via: 'api' }, agent, 'dormant');
        // The column the query reads, cut short on disk.
        const status = kept.find((f) =>
          path.basename(f).startsWith(`AgentsInfo.${Buffer.from('LifecycleStatus').toString('hex')}.`),
        ) as string;
        const bytes = await fs.readFile(status);
        await fs.writeFile(status, bytes.subarray(0, bytes.length - 1));
        const restarted = new HuntingService(
          new HuntingTables(store, () => NOW, files, freshness),
          () => NOW,
          undefined,
          {
            workers: 1,
          },
        );
        try {
          const result = await restarted.run({ query });
          // Not the earlier version's answer: the current one, made from the store.
          expect(result.results[0]?.LifecycleStatus).toBe('Blocked');
          expect(result.stats.agentTablesAsOf).toBeUndefined();
        } finally {
          await restarted.close();
        }
      } finally {
        await actions.unblockAgent({ principal: ADELE, idempotencyKey: null, via: 'api' }, agent, 'test over');
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    it('keeps the agent tables packed on disk: after a restart they are read back, the same, and nothing is built', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-hunting-files-'));
      try {
        const built = await snapshotColumns(new HuntingTables(store, () => NOW, new PackedColumnFiles(dir)));
        await filesWritten(dir);
        const all = vi.spyOn(store.agents, 'textPages');
        const snapshots = vi.spyOn(store.snapshots, 'textPages');
        try {
          const restarted = new HuntingTables(store, () => NOW, new PackedColumnFiles(dir));
          expect(await snapshotColumns(restarted)).toEqual(built);
          expect(await (await restarted.at()).rowCount('AgentsInfo')).toBe(built.get('AgentsInfo.AgentId')?.length);
          // IdentityInfo and the runtime tables are made from the directory and a few fields of each agent.
          const service = new HuntingService(restarted, () => NOW, undefined, { workers: 1 });
          try {
            const result = await service.run({ templateId: 'orphaned' });
            expect(result.rowCount).toBeGreaterThan(0);
          } finally {
            await service.close();
          }
          expect(all).not.toHaveBeenCalled();
          expect(snapshots).not.toHaveBeenCalled();
        } finally {
          all.mockRestore();
          snapshots.mockRestore();
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    it('reads a large column from its file once written, also where it was handed out during the build', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-hunting-files-'));
      try {
        const raw = { name: 'RawAgentInfo', type: 'dynamic' } as const;
        const stamp = { name: 'Timestamp', type: 'datetime' } as const;
        // From 0 bytes (the default, 4 MB, is more than Zava has): handed out in memory while the tables are made.
        const tables = new HuntingTables(store, () => NOW, new PackedColumnFiles(dir));
        try {
          const at = await tables.at();
          const packed = await at.column('AgentsInfo', raw, 0);
          expect(packed.buffer).not.toBeNull();
          const timestamps = await at.column('AgentsInfo', stamp, 0);
          const values = unpackColumn(packed, 'dynamic');
          await filesWritten(dir);
          for (let i = 0; i < 100 && packed.buffer; i += 1) await new Promise((r) => setTimeout(r, 20));
          expect(packed.buffer).toBeNull();
          expect(packed.file?.path.startsWith(dir)).toBe(true);
          expect(unpackColumn(packed, 'dynamic')).toEqual(values);
          // Not text or dynamic: kept in memory.
          expect(timestamps.buffer).not.toBeNull();
        } finally {
          await tables.close();
        }
        // Below the size asked for: kept in memory.
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
        await db.query('delete from hunting_table_tokens');
        const small = new HuntingTables(store, () => NOW, new PackedColumnFiles(dir));
        try {
          const packed = await (await small.at()).column('AgentsInfo', raw);
          await filesWritten(dir);
          await small.settled();
          expect(packed.buffer).not.toBeNull();
        } finally {
          await small.close();
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    it('lets go of the files of the version whose column a query thread could not read, and of no other', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-hunting-files-'));
      try {
        await snapshotColumns(new HuntingTables(store, () => NOW, new PackedColumnFiles(dir)));
        const written = await filesWritten(dir);
        const restarted = new HuntingTables(store, () => NOW, new PackedColumnFiles(dir));
        try {
          const { agents } = (await restarted.at()).parts;
          // A version no longer offered (its directory removed once the next one answered, say): nothing changes.
          restarted.unreadable('AgentsInfo', agents + 1);
          await new Promise((r) => setTimeout(r, 100));
          expect(await filesWritten(dir)).toEqual(written);
          // The version that answers: its files go, and the next query makes the tables from the store.
          const all = vi.spyOn(store.agents, 'textPages');
          try {
            restarted.unreadable('AgentsInfo', agents);
            for (let i = 0; i < 100 && (await fs.readdir(dir)).length > 0; i += 1) {
              await new Promise((r) => setTimeout(r, 20));
            }
            expect(await fs.readdir(dir)).toEqual([]);
            expect((await restarted.at()).parts.agents).toBeGreaterThan(agents);
            await (await restarted.at()).column('AgentsInfo', { name: 'AgentId', type: 'string' });
            expect(all).toHaveBeenCalled();
          } finally {
            all.mockRestore();
          }
        } finally {
          await restarted.close();
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    it("builds again after a change, over a database that does not hold the files' token, and after a bad file", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-hunting-files-'));
      const files = new PackedColumnFiles(dir);
      try {
        await snapshotColumns(new HuntingTables(store, () => NOW, files));
        const beforeChange = await filesWritten(dir);
        // A change: the files are of an older version.
        const actions = new ResponseService(
          store,
          embeddedTenant(store),
          new RiskRefresher(store, () => NOW),
          () => NOW,
        );
        await actions.blockAgent(
          { principal: ADELE, idempotencyKey: null, via: 'api' },
          ZAVA_AGENT_IDS.customerBillingAgent,
          'compromised',
        );
        const afterChange = new HuntingTables(store, () => NOW, files);
        const columns = await snapshotColumns(afterChange);
        const ids = columns.get('AgentsInfo.AgentId') ?? [];
        const lifecycle = columns.get('AgentsInfo.LifecycleStatus') ?? [];
        expect(lifecycle[ids.lastIndexOf(ZAVA_AGENT_IDS.customerBillingAgent)]).toBe('Blocked');
        const afterChangeFiles = await filesWritten(dir, beforeChange);
        const file = afterChangeFiles[1];

        // Another database (or this one made again) does not hold the token the files are named by.
        await db.query('delete from hunting_table_tokens');
        const all = vi.spyOn(store.agents, 'textPages');
        try {
          await snapshotColumns(new HuntingTables(store, () => NOW, files));
          expect(all).toHaveBeenCalled();
        } finally {
          all.mockRestore();
        }
        const written = await filesWritten(dir, afterChangeFiles);
        expect(written).not.toContain(file);

        // A file cut short, or changed on disk, is not read: the query is answered from the store, and the next
        // start writes the files again.
        const service = new HuntingService(new HuntingTables(store, () => NOW, files), () => NOW, undefined, {
          workers: 1,
        });
        try {
          const expected = await service.run({ templateId: 'mcp-maker-credentials' });
          expect(expected.rowCount).toBeGreaterThan(0);
          for (const spoil of [
            (bytes: Buffer) => bytes.subarray(0, bytes.length - 1),
            // Inside a JSON string: it would parse, as another value.
            (bytes: Buffer) => Buffer.from(bytes).fill(0x7b, 80, 90),
          ]) {
            const tools = (await filesWritten(dir)).find((f) =>
              path.basename(f).startsWith(`AIAgentsInfo.${Buffer.from('AgentToolsDetails').toString('hex')}.`),
            ) as string;
            await fs.writeFile(tools, spoil(await fs.readFile(tools)));
            const fresh = new HuntingService(new HuntingTables(store, () => NOW, files), () => NOW, undefined, {
              workers: 1,
            });
            try {
              const result = await fresh.run({ templateId: 'mcp-maker-credentials' });
              expect(result.results).toEqual(expected.results);
              // Written again, complete, for the next start.
              await filesWritten(dir);
            } finally {
              await fresh.close();
            }
          }
        } finally {
          await service.close();
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });
  });
}
