// The strings and dates a query thread decodes are held once (string-pool.ts): the values read back are the values
// packed, two columns of the same times share their Dates, a column that does not repeat stops being looked up, a
// column a query waits for can be pooled after it is read, equal dynamic cells are parsed once, and a hostile cell
// (an own `__proto__`, deep nesting, a long string) reads back as it was, within the pool's bounds.
import { describe, expect, it } from 'vitest';
import { HUNTING_SCHEMAS, buildHuntingTables } from '../../bot/src/hunting/hunting-tables.js';
import { ColumnReader, packColumn } from '../../bot/src/hunting/query-worker/packed-tables.js';
import type { Row, Value } from '../../bot/src/hunting/kql/values.js';
import { ParsedCells, StringPool } from '../../bot/src/hunting/query-worker/string-pool.js';
import { syntheticTenant } from '../../bot/scripts/synthetic-tenant.js';

const readWith = async (
  pool: StringPool | undefined,
  table: string,
  name: string,
  type: 'string' | 'dynamic' | 'datetime',
  rows: Row[],
) => new ColumnReader(await packColumn(table, { name, type }, rows, 1), type, false, undefined, pool).finish();

describe('the string pool of a query thread', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const seed = syntheticTenant({ agents: 1_500, seed: 7, now });
  const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 4, now);

  it('gives back every column of the agent tables as packed, and shares the Dates of two tables', async () => {
    const pool = new StringPool();
    for (const table of ['AIAgentsInfo', 'AgentsInfo'] as const) {
      const rows = tables[table];
      for (const column of HUNTING_SCHEMAS[table] ?? []) {
        const packed = await packColumn(table, column, rows, 1);
        const values = new ColumnReader(packed, column.type, false, undefined, pool).finish();
        expect(values, `${table}.${column.name}`).toEqual(rows.map((r) => r[column.name] ?? null));
      }
    }
    expect(pool.size).toBeGreaterThan(0);
    // AIAgentsInfo.Timestamp and AgentsInfo.Timestamp hold the same times: read through one pool, the same Dates.
    const a = await readWith(pool, 'AIAgentsInfo', 'Timestamp', 'datetime', tables.AIAgentsInfo);
    const b = await readWith(pool, 'AgentsInfo', 'Timestamp', 'datetime', tables.AgentsInfo);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i += 1) expect(a[i]).toBe(b[i]);
    // Without a pool, each read makes its own.
    const c = await readWith(undefined, 'AgentsInfo', 'Timestamp', 'datetime', tables.AgentsInfo);
    expect(c[0]).not.toBe(b[0]);
    expect(c).toEqual(b);
  });

  it('stops looking up a column whose values do not repeat, and holds repeated ones once', async () => {
    const pool = new StringPool();
    const unique = Array.from({ length: 20_000 }, (_, i) => ({ V: `id-${i}` }));
    expect(await readWith(pool, 'T', 'V', 'string', unique)).toEqual(unique.map((r) => r.V));
    // Judged after its first 4,096 lookups: the rest is not held.
    expect(pool.size).toBe(4096);
    const repeated = Array.from({ length: 20_000 }, (_, i) => ({
      V: { tool: `send-mail-tool-${i % 10}`, kind: 'model-context-protocol', short: `t${i % 10}` },
    }));
    expect(await readWith(pool, 'T', 'V', 'dynamic', repeated)).toEqual(repeated.map((r) => r.V));
    // Ten names and one kind; strings of up to 10 characters of a parsed value are left to JSON.parse.
    expect(pool.size).toBe(4096 + 11);
    pool.clear();
    expect(pool.size).toBe(0);
  });

  it('pools later what a query waited for: decoded unpooled, then held once when pooled in place', async () => {
    const pool = new StringPool();
    const rows = Array.from({ length: 9_000 }, (_, i) => ({
      V: i % 3 ? { tool: `send-mail-tool-${i % 10}`, args: [`recipient-list-${i % 7}`] } : null,
    }));
    const packed = await packColumn('T', { name: 'V', type: 'dynamic' }, rows, 1);
    const reader = new ColumnReader(packed, 'dynamic', false, undefined, pool);
    reader.step();
    expect(pool.size).toBeGreaterThan(0);
    const later = reader.poolLater();
    expect(later).not.toBeNull();
    expect(reader.poolLater()).toBeNull();
    // Emptied (as between two versions): what the rest of the column holds can only come from pooling it later.
    pool.clear();
    const values = reader.finish();
    // The rest is decoded as it is, and reads back whole; nothing is held until it is pooled.
    expect(values).toEqual(rows.map((r) => r.V));
    expect(pool.size).toBe(0);
    const { from, pool: columnPool } = later as NonNullable<typeof later>;
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(rows.length);
    for (let i = from; i < values.length; i += 1) columnPool.value(values[i] ?? null);
    // Ten tool names and seven recipient lists, each held once; the values are unchanged.
    expect(pool.size).toBe(17);
    expect(values).toEqual(rows.map((r) => r.V));
  });

  it('parses equal dynamic cells once: the rows share one value, adjacent or not, and read back as packed', async () => {
    const tools = Array.from({ length: 5 }, (_, i) => [
      { name: `send-mail-tool-${i}`, mode: i % 2 ? 'Maker' : 'User' },
    ]);
    // An agent's snapshots one after another (runs), and the same tools across agents (a cycle).
    const rows = Array.from({ length: 3_000 }, (_, i) => ({
      V: i % 11 === 0 ? null : (tools[Math.floor(i / 3) % 5] ?? null),
    }));
    const pool = new StringPool();
    const values = await readWith(pool, 'T', 'V', 'dynamic', rows);
    expect(values).toEqual(rows.map((r) => r.V));
    const distinct = new Set(values.filter((v) => v !== null));
    expect(distinct.size).toBe(5);
    // Each distinct value was pooled once: five tool names, 'Maker' and 'User' are short enough for JSON.parse.
    expect(pool.size).toBe(5);
  });

  it('keeps texts to find again within bounds: long ones only for the next cell, none once a column does not repeat', () => {
    let parses = 0;
    const parse = (text: string) => {
      parses += 1;
      return JSON.parse(text) as Value;
    };
    const cells = new ParsedCells();
    const long = JSON.stringify({ text: 'z'.repeat(5_000) });
    const a = cells.parse(long, parse);
    expect(cells.parse(long, parse)).toBe(a);
    expect(cells.repeated).toBe(true);
    cells.parse('[1]', parse);
    // Past 4,096 characters a text is not kept: the same long text after another cell is parsed again.
    expect(cells.parse(long, parse)).not.toBe(a);
    expect(cells.repeated).toBe(false);
    expect(parses).toBe(3);

    const unique = new ParsedCells();
    const first = unique.parse('{"id":0}', parse);
    expect(unique.parse('[0]', parse)).toEqual([0]);
    expect(unique.parse('{"id":0}', parse)).toBe(first);
    for (let i = 1; i < 5_000; i += 1) unique.parse(`{"id":${i}}`, parse);
    // Judged after 4,096 lookups with almost nothing found: texts are no longer kept, nor looked up.
    expect(unique.parse('{"id":0}', parse)).not.toBe(first);
    expect(unique.parse('{"id":0}', parse)).toEqual(first);
  });

  it('reads hostile cells back as they were', async () => {
    const pool = new StringPool();
    const x = 'exfiltrate-x';
    const proto = JSON.parse(`{"__proto__": "${x}", "a": "${x}", "b": {"__proto__": ["${x}"]}}`) as Value;
    let deep: Value = x;
    for (let i = 0; i < 1_000; i += 1) deep = i % 2 ? [deep] : { k: deep };
    const long = 'y'.repeat(100_000);
    const rows = [{ V: proto }, { V: deep }, { V: long }, { V: { long } }];
    const back = await readWith(pool, 'T', 'V', 'dynamic', rows);
    expect(JSON.stringify(back)).toBe(JSON.stringify(rows.map((r) => r.V)));
    const first = back[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.hasOwn(first, '__proto__')).toBe(true);
    // Only "exfiltrate-x" is held: the long string is not, and the deep one lies past the depth walked.
    expect(pool.size).toBe(1);
  });
});
