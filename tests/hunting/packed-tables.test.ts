// The packed form the query threads read (packed-tables.ts): it gives back the very rows it was given, datetimes
// as Dates and dynamic values as JSON, across chunk boundaries, and packing yields to the event loop.
import { describe, expect, it } from 'vitest';
import { HUNTING_SCHEMAS, buildHuntingTables } from '../../bot/src/hunting/hunting-tables.js';
import { packTables, unpackTables } from '../../bot/src/hunting/query-worker/packed-tables.js';
import { QueryPool, DEFAULT_QUERY_LIMITS } from '../../bot/src/hunting/query-worker/query-pool.js';
import { syntheticTenant } from '../../bot/scripts/synthetic-tenant.js';

describe('packed hunting tables', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const seed = syntheticTenant({ agents: 3_000, seed: 7, now });
  const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 4, now);
  const { AIAgentsInfo, AgentsInfo, IdentityInfo } = tables;

  it('unpacks to the rows it packed, over several chunks', async () => {
    expect(AIAgentsInfo.length).toBeGreaterThan(4_000);
    const packed = await packTables({ AIAgentsInfo, AgentsInfo, IdentityInfo }, HUNTING_SCHEMAS, 4);
    expect(packed.version).toBe(4);
    expect(packed.rowCounts).toEqual({
      AIAgentsInfo: AIAgentsInfo.length,
      AgentsInfo: AgentsInfo.length,
      IdentityInfo: IdentityInfo.length,
    });
    const back = unpackTables(packed.buffer, HUNTING_SCHEMAS);
    expect(back.AIAgentsInfo).toEqual(AIAgentsInfo);
    expect(back.AgentsInfo).toEqual(AgentsInfo);
    expect(back.IdentityInfo).toEqual(IdentityInfo);
    expect(back.AIAgentsInfo?.[0]?.Timestamp).toBeInstanceOf(Date);
  });

  it('lets other work run while it packs', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    await packTables({ AIAgentsInfo, AgentsInfo, IdentityInfo }, HUNTING_SCHEMAS, 1);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('sizes a query thread heap to the tables, never below the configured heap', async () => {
    const pool = new QueryPool({ ...DEFAULT_QUERY_LIMITS, heapMb: 256 });
    expect(pool.heapMbFor(null)).toBe(256);
    const small = [{ part: 'agents', version: 1, buffer: new SharedArrayBuffer(10 * 1024 * 1024), rowCounts: {} }];
    expect(pool.heapMbFor(small)).toBe(256);
    // Every part counts: 300 MB of agents and 100 MB of runtime activity.
    const big = [
      { part: 'agents', version: 1, buffer: new SharedArrayBuffer(300 * 1024 * 1024), rowCounts: {} },
      { part: 'runtime', version: 1, buffer: new SharedArrayBuffer(100 * 1024 * 1024), rowCounts: {} },
    ];
    expect(pool.heapMbFor(big)).toBe(64 + 3 * 400);
    await pool.close();
  });
});
