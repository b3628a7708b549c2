// The packed form the query threads read (packed-tables.ts), a column at a time: it gives back the very values it
// was given, datetimes as Dates and dynamic values as JSON, across chunk boundaries, read at once or a chunk at a
// time; rows made of some columns have those only; packing yields to the event loop.
import { describe, expect, it } from 'vitest';
import { HUNTING_SCHEMAS, buildHuntingTables } from '../../bot/src/hunting/hunting-tables.js';
import {
  ColumnPacker,
  ColumnReader,
  ROWS_PER_CHUNK,
  packColumn,
  rowsFromColumns,
  unpackColumn,
} from '../../bot/src/hunting/query-worker/packed-tables.js';
import type { Value } from '../../bot/src/hunting/kql/values.js';
import { QueryPool, DEFAULT_QUERY_LIMITS } from '../../bot/src/hunting/query-worker/query-pool.js';
import { syntheticTenant } from '../../bot/scripts/synthetic-tenant.js';

describe('packed hunting tables', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const seed = syntheticTenant({ agents: 3_000, seed: 7, now });
  const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 4, now);
  const { AIAgentsInfo, AgentsInfo, IdentityInfo } = tables;

  it('unpacks every column to the values it packed, over several chunks, and rows come back whole', async () => {
    expect(AIAgentsInfo.length).toBeGreaterThan(2 * ROWS_PER_CHUNK);
    for (const [table, rows] of Object.entries({ AIAgentsInfo, AgentsInfo, IdentityInfo })) {
      const schema = HUNTING_SCHEMAS[table] ?? [];
      const columns = new Map<string, Value[]>();
      for (const column of schema) {
        const packed = await packColumn(table, column, rows, 4);
        expect(packed).toMatchObject({ table, column: column.name, version: 4, rowCount: rows.length });
        const values = unpackColumn(packed, column.type);
        expect(values).toEqual(rows.map((r) => r[column.name] ?? null));
        columns.set(column.name, values);
      }
      const back = rowsFromColumns(schema, rows.length, columns);
      expect(back).toEqual(rows);
      // The same keys in the same order as the rows built: the engine reads them alike.
      expect(Object.keys(back[0] ?? {})).toEqual(Object.keys(rows[0] ?? {}));
    }
    expect(
      unpackColumn(
        await packColumn('AIAgentsInfo', { name: 'Timestamp', type: 'datetime' }, AIAgentsInfo, 1),
        'datetime',
      )[0],
    ).toBeInstanceOf(Date);
  });

  it('packs a row at a time as the table builder does, missing cells as null', async () => {
    const mixed = ['text', null, undefined, 42, { a: [1] }];
    const packer = new ColumnPacker('T', { name: 'V', type: 'dynamic' });
    for (const v of mixed) packer.add(v as Value | undefined);
    const packed = packer.finish(1);
    expect(packed).toMatchObject({ table: 'T', column: 'V', version: 1, rowCount: 5 });
    expect(unpackColumn(packed, 'dynamic')).toEqual(['text', null, null, 42, { a: [1] }]);
  });

  it('keeps text as written (any script, quotes, newlines, empty) and nulls, and mixed values as JSON', async () => {
    const text = ['é€😀 "quoted"\nnext line', null, '', '{"json": "as text"}', 'x'.repeat(70_000)];
    const rows = [...text, 42, true, { a: [1] }].map((v) => ({ V: v }));
    // Text alone: the strings form; with other values in the same chunk: JSON.
    const onlyText = await packColumn('T', { name: 'V', type: 'string' }, rows.slice(0, text.length), 1);
    expect(unpackColumn(onlyText, 'string')).toEqual(text);
    const mixed = await packColumn('T', { name: 'V', type: 'dynamic' }, rows, 1);
    expect(unpackColumn(mixed, 'dynamic')).toEqual(rows.map((r) => r.V));
  });

  it('reads a column a chunk at a time', async () => {
    const packed = await packColumn('AgentsInfo', { name: 'RawAgentInfo', type: 'dynamic' }, AgentsInfo, 1);
    const reader = new ColumnReader(packed, 'dynamic');
    let steps = 1;
    while (!reader.step()) steps += 1;
    // Large values, so lines of fewer rows than ROWS_PER_CHUNK (about a MB each).
    expect(steps).toBeGreaterThan(Math.ceil(AgentsInfo.length / ROWS_PER_CHUNK));

    expect(reader.values).toEqual(AgentsInfo.map((r) => r.RawAgentInfo));
  });

  it('makes rows of the columns it has, in the table order, without the others', () => {
    const schema = HUNTING_SCHEMAS.IdentityInfo ?? [];
    const columns = new Map<string, Value[]>([
      ['IsAccountEnabled', IdentityInfo.map((r) => r.IsAccountEnabled ?? null)],
      ['AccountUpn', IdentityInfo.map((r) => r.AccountUpn ?? null)],
    ]);
    const rows = rowsFromColumns(schema, IdentityInfo.length, columns);
    expect(rows).toHaveLength(IdentityInfo.length);
    expect(Object.keys(rows[0] ?? {})).toEqual(['AccountUpn', 'IsAccountEnabled']);
    expect(rows[1]).toEqual({
      AccountUpn: IdentityInfo[1]?.AccountUpn,
      IsAccountEnabled: IdentityInfo[1]?.IsAccountEnabled,
    });
    // No column at all: as many rows, empty (a query that only counts them).
    expect(rowsFromColumns(schema, 3, new Map())).toEqual([{}, {}, {}]);
  });

  it('lets other work run while it packs', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    await packColumn('AIAgentsInfo', { name: 'RawAgentInfo', type: 'string' }, AIAgentsInfo, 1);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('ends a thread that cannot read a column, says which table, and the next query runs', async () => {
    const unreadable: string[] = [];
    const pool = new QueryPool({ ...DEFAULT_QUERY_LIMITS, workers: 1 }, (table) => unreadable.push(table));
    try {
      const column = await packColumn('IdentityInfo', { name: 'AccountUpn', type: 'string' }, IdentityInfo, 1);
      // The same bytes with the first chunk's kind changed to JSON: its text does not parse.
      const broken = new SharedArrayBuffer((column.buffer as SharedArrayBuffer).byteLength);
      Buffer.from(column.buffer as SharedArrayBuffer).copy(Buffer.from(broken));
      Buffer.from(broken).writeUInt8(0, 4);
      const table = (buffer: SharedArrayBuffer, version: number) => ({
        table: 'IdentityInfo',
        version,
        rowCount: IdentityInfo.length,
        columns: [{ ...column, version, buffer }],
      });
      const query = 'IdentityInfo | summarize dcount(AccountUpn)';
      await expect(pool.run([table(broken, 1)], query, 10, now)).rejects.toThrow(
        /IdentityInfo\.AccountUpn.*unreadable/,
      );
      expect(unreadable).toEqual(['IdentityInfo']);
      const result = await pool.run([table(column.buffer as SharedArrayBuffer, 2)], query, 10, now);
      expect(result.results).toEqual([{ dcount_AccountUpn: new Set(IdentityInfo.map((r) => r.AccountUpn)).size }]);
    } finally {
      await pool.close();
    }
  });

  it('sizes a query thread heap to the packed bytes it holds, never below the configured heap', async () => {
    const pool = new QueryPool({ ...DEFAULT_QUERY_LIMITS, heapMb: 256 });
    expect(pool.heapMbFor(0)).toBe(256);
    expect(pool.heapMbFor(10 * 1024 * 1024)).toBe(256);
    expect(pool.heapMbFor(400 * 1024 * 1024)).toBe(64 + 3 * 400);
    await pool.close();
  });
});
