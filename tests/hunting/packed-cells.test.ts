// Large columns of text or dynamic values a query thread keeps packed, reading a cell when a query reads it
// (packed-tables.ts PackedCells), from shared memory or from the column's file on disk (table-cache.ts): every
// template and queries that copy, expand and compare rows answer as over the rows the tables were built as; a file
// cut short while a thread reads it, or changed after it was checked, ends that thread naming the column, and the
// next query answers; the files a thread opened are closed when it lets a table version go and when it is ended.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../bot/scripts/synthetic-tenant.js';
import { HuntingService } from '../../bot/src/hunting/hunting-service.js';
import type { HuntingTableSet, HuntingTableSource } from '../../bot/src/hunting/hunting-tables.js';
import { buildHuntingTables, huntingCatalog, tablesAt } from '../../bot/src/hunting/hunting-tables.js';
import { compileKql } from '../../bot/src/hunting/kql/index.js';
import type { Row, Value } from '../../bot/src/hunting/kql/values.js';
import type { PackedColumn } from '../../bot/src/hunting/query-worker/packed-tables.js';
import type { QueryLimits } from '../../bot/src/hunting/query-worker/query-pool.js';
import {
  ColumnReader,
  IN_FILE_MIN_BYTES,
  PackedCells,
  ROWS_PER_CHUNK,
  holdsPacked,
  packColumn,
} from '../../bot/src/hunting/query-worker/packed-tables.js';
import { RUNTIME_RETENTION_DAYS } from '../../bot/src/hunting/runtime-tables.js';
import { PackedColumnFiles } from '../../bot/src/hunting/table-cache.js';
import { HUNTING_TEMPLATES } from '../../bot/src/hunting/templates.js';
import { zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const zava = zavaTenant(NOW);
const since = new Date(NOW.getTime() - RUNTIME_RETENTION_DAYS * 86_400_000).toISOString();
const zavaTables = buildHuntingTables(zava.agents, zava.snapshots, zava.users, 1, NOW, {
  events: zava.events.filter((e) => e.occurredAt >= since),
  alerts: zava.alerts.filter((a) => a.lastActivityAt >= since),
});

/** Queries that copy rows (mv-apply, mv-expand, union, join), compare whole rows (distinct *) and read JSON paths. */
const QUERIES = [
  'AIAgentsInfo | mv-apply Tool = AgentToolsDetails on (take 1) | project AIAgentId, Instructions, Tool',
  'AIAgentsInfo | mv-expand Topic = AgentTopicsDetails | project AIAgentId, Topic, RawAgentInfo | take 50',
  'AgentsInfo | where isnotnull(RawAgentInfo.Bot) | summarize count() by Platform',
  'AgentsInfo | summarize n = sum(strlen(tostring(RawAgentInfo))), m = dcount(tostring(DeclaredTools))',
  'AIAgentsInfo | distinct * | count',
  'AIAgentsInfo | union AgentsInfo | project AIAgentId, AgentId, Instructions | take 40',
  'AIAgentsInfo | join kind=inner (AgentsInfo) on $left.AIAgentId == $right.AgentId | project AIAgentId, Instructions, Instructions1',
  'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId | project AIAgentId, RawAgentInfo',
  // JSON paths read from the paths kept, through projections, renames, copies and an extend over a copied column.
  'AIAgentsInfo | project AIAgentId, R = RawAgentInfo | extend I = tostring(parse_json(R).instructions), T = parse_json(R).tools[0].name | project AIAgentId, I, T',
  'AIAgentsInfo | extend RawAgentInfo = strcat("x", AIAgentId) | project AIAgentId, A = parse_json(RawAgentInfo).instructions, RawAgentInfo',
  'AgentsInfo | project AgentId, RawAgentInfo, R2 = RawAgentInfo | mv-expand t = RawAgentInfo.tools | project AgentId, n = t.name, e = RawAgentInfo["environmentId"], b = R2.Bot.Attributes',
  'AgentsInfo | where isnotempty(tostring(todynamic(RawAgentInfo).lastActivityAt)) or RawAgentInfo.blockedAt == "" | project AgentId, RawAgentInfo.publishStatus',
];

const expected = (set: HuntingTableSet, query: string): Record<string, unknown>[] =>
  compileKql(query, huntingCatalog).run({
    rows: (name) => (set as unknown as Record<string, Row[]>)[name] ?? [],
    now: NOW,
  }).rows;

/**
 * The tables as the server reads them after a restart: each column written to its file once, then read back from
 * there, left in its file from `inFileFrom` bytes when it is text or dynamic. `afterCheck` runs once a column's file
 * is checked, before a thread opens it.
 */
function onDisk(
  set: HuntingTableSet,
  files: PackedColumnFiles,
  key: string,
  afterCheck: (column: PackedColumn) => Promise<void> = async () => undefined,
): HuntingTableSource & { written: Map<string, Promise<PackedColumn>> } {
  const written = new Map<string, Promise<PackedColumn>>();
  const base = tablesAt(set);
  return {
    written,
    at: async () => ({
      ...base,
      column: async (table, column, inFileFrom) => {
        const id = `${table}.${column.name}`;
        let packed = written.get(id);
        if (!packed) {
          packed = base.column(table, column).then(async (p) => (await files.write(key, p), p));
          written.set(id, packed);
        }
        const { version } = await packed;
        const read = await files.read(key, table, column.name, version, (length) =>
          holdsPacked(column.type, length, inFileFrom),
        );
        await afterCheck(read);
        return read;
      },
    }),
  };
}

/** The files under `dir` this process holds open (query threads share the process's descriptors). */
function openUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // Closed since listed.
    }
  }
  return open;
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i += 1) await new Promise((r) => setTimeout(r, 20));
}

describe('columns kept packed in a query thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'aw-packed-cells-'));
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('give back each cell as packed: text, JSON values of every kind and nulls, over several chunks', async () => {
    const values: Value[] = [
      'é€😀 "quoted"\nnext line',
      null,
      '',
      { a: [1, { b: null }], 'odd key': 'x' },
      [1, 'two', 3.5, true],
      42,
      false,
      'x'.repeat(70_000),
    ];
    const rows = Array.from({ length: 3 * ROWS_PER_CHUNK }, (_, i) => ({ V: values[i % values.length] ?? null }));
    for (const type of ['dynamic', 'string'] as const) {
      const column = { name: 'V', type };
      const these = type === 'string' ? rows.filter((r) => r.V === null || typeof r.V === 'string') : rows;
      const packed = await packColumn('T', column, these, 1);
      const reader = new ColumnReader(packed, type, true);
      reader.finish();
      const cells = reader.cells;
      expect(cells).not.toBeNull();
      expect(reader.values).toEqual([]);
      expect(these.map((_, i) => cells?.at(i))).toEqual(these.map((r) => r.V));
      // Each read is its own value: a query that changes one does not change the next read.
      const first = cells?.at(3) as Record<string, unknown>;
      if (type === 'dynamic') first.a = 'changed';
      if (type === 'dynamic') expect(cells?.at(3)).toEqual(values[3]);
    }
  });

  it('keep the JSON paths read: a cell is decoded once for every path kept, ahead of the queries, and in the next version', () => {
    const texts = ['{"a": 1, "b": {"c": "x"}, "d": [1], "n": "five"}', '{"a": 2}', 'not JSON'];
    let decodes = 0;
    const source = { text: (row: number) => (decodes++, texts[row] as string) };
    const column = () => {
      const cells = new PackedCells(source, texts.length, false);
      texts.forEach((t, i) => {
        cells.starts[i] = 0;
        cells.lengths[i] = t.length;
      });
      return cells;
    };
    const member = (name: string) => (v: Value) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? ((v as Record<string, Value>)[name] ?? null) : null;
    const a = member('a');
    const c = (v: Value) => member('c')(member('b')(v));
    const cells = column();
    expect(texts.map((_, i) => cells.path(i, '."a"', true, a))).toEqual([1, 2, null]);
    expect(decodes).toBe(3);
    // A second path: each cell decoded once more, and the first path is not read again.
    expect(texts.map((_, i) => cells.path(i, '.b.c', true, c))).toEqual(['x', null, null]);
    expect(decodes).toBe(6);
    expect(texts.map((_, i) => cells.path(i, '."a"', true, a))).toEqual([1, 2, null]);
    expect(decodes).toBe(6);
    // A top-level scalar no query asked for yet was kept from the same parse.
    const n = member('n');
    expect(texts.map((_, i) => cells.path(i, '."n"', true, n))).toEqual(['five', null, null]);
    expect(decodes).toBe(6);
    // An object is the caller's own, read again each time: it is not kept.
    const d = member('d');
    expect(cells.path(0, '.d', true, d)).toEqual([1]);
    expect(cells.path(0, '.d', true, d)).not.toBe(cells.path(0, '.d', true, d));
    // The next version of the column keeps the same paths: its first read of a cell fills them all.
    const next = column();
    next.learn(cells.pathsKept());
    decodes = 0;
    expect(texts.map((_, i) => next.path(i, '.b.c', true, c))).toEqual(['x', null, null]);
    expect(texts.map((_, i) => next.path(i, '."a"', true, a))).toEqual([1, 2, null]);
    expect(decodes).toBe(3);
    // Parsed ahead of the queries (between them, in a query thread): the first query's read decodes nothing.
    const ahead = column();
    ahead.learn(cells.pathsKept());
    ahead.warmStep(2);
    expect(ahead.warm).toBe(false);
    ahead.warmStep(2);
    expect(ahead.warm).toBe(true);
    decodes = 0;
    expect(texts.map((_, i) => ahead.path(i, '.b.c', true, c))).toEqual(['x', null, null]);
    expect(texts.map((_, i) => ahead.path(i, '."n"', true, n))).toEqual(['five', null, null]);
    // A member no cell has is null without a parse; one that is an object in a cell is read from it.
    expect(texts.map((_, i) => ahead.path(i, '."zzz"', true, member('zzz')))).toEqual([null, null, null]);
    expect(decodes).toBe(0);
    expect(ahead.path(0, '."b"', true, member('b'))).toEqual({ c: 'x' });
    expect(decodes).toBe(1);
  });

  it('answer every template and queries that copy rows as over the rows built, from memory and from their files', async () => {
    const files = new PackedColumnFiles(dir);
    // 0 bytes: every column of text or dynamic values is kept packed (none by default), and read from its file from
    // 0 bytes (4 MB by default, more than Zava has); without them, columns are decoded once as they are read.
    const everyCell = { packedCellsMinBytes: 0, packedDynamicMinBytes: 0 };
    const sources: [string, HuntingTableSource, Partial<QueryLimits>][] = [
      ['shared memory', { at: async () => tablesAt(zavaTables) }, everyCell],
      ['files', onDisk(zavaTables, files, 'zava-1'), everyCell],
      ['files, dynamic columns parsed', onDisk(zavaTables, files, 'zava-1'), { packedCellsMinBytes: 0 }],
    ];
    for (const [where, source, limits] of sources) {
      const service = new HuntingService(source, () => NOW, HUNTING_TEMPLATES, { workers: 1, ...limits });
      try {
        for (const t of HUNTING_TEMPLATES) {
          expect((await service.run({ templateId: t.id })).results, `${t.id} from ${where}`).toEqual(
            expected(zavaTables, t.query),
          );
        }
        for (const query of QUERIES) {
          const { results } = await service.run({ query });
          expect(results.length, query).toBeGreaterThan(0);
          expect(results, `${query} from ${where}`).toEqual(expected(zavaTables, query));
        }
      } finally {
        await service.close();
      }
    }
    expect(openUnder(dir)).toEqual([]);
  }, 180_000);

  it('close the files of a table version let go, and every file once the thread is ended', async () => {
    const files = new PackedColumnFiles(dir);
    let current = onDisk(zavaTables, files, 'zava-v1');
    const source: HuntingTableSource = { at: () => current.at() };
    const service = new HuntingService(source, () => NOW, HUNTING_TEMPLATES, {
      workers: 1,
      packedCellsMinBytes: 0,
      packedDynamicMinBytes: 0,
      idleReleaseMs: 1500,
    });
    try {
      const query = 'AIAgentsInfo | project AIAgentId, Instructions, RawAgentInfo';
      await service.run({ query });
      const v1 = path.join(dir, 'zava-v1');
      expect(openUnder(v1).length).toBeGreaterThanOrEqual(2);
      // A new version of the agent tables, in files of its own: the thread closes those of the old one.
      const v2: HuntingTableSet = { ...zavaTables, version: 2, parts: { agents: 2, runtime: 1 } };
      current = onDisk(v2, files, 'zava-v2');
      expect((await service.run({ query })).results).toEqual(expected(v2, query));
      expect(openUnder(v1).filter((f) => f.includes('AIAgentsInfo'))).toEqual([]);
      expect(openUnder(path.join(dir, 'zava-v2')).length).toBeGreaterThanOrEqual(2);
      // Nobody hunts: the thread is ended, and its files closed for it.
      await until(() => service.released);
      expect(service.released).toBe(true);
      await until(() => openUnder(dir).length === 0);
      expect(openUnder(dir)).toEqual([]);
    } finally {
      await service.close();
    }
  }, 120_000);

  describe('read from a file that does not stay as checked', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const seed = syntheticTenant({ agents: 3_000, seed: 7, now });
    const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 4, now);
    const query = 'AgentsInfo | summarize n = sum(strlen(tostring(RawAgentInfo))), agents = count()';
    const target = 'AgentsInfo.RawAgentInfo';
    let answer: Record<string, unknown>[];
    beforeAll(() => {
      answer = compileKql(query, huntingCatalog).run({
        rows: (name) => (name === 'AgentsInfo' ? tables.AgentsInfo : []),
        now,
      }).rows;
    });
    const cut = async (file: string) => {
      const { size } = await fsp.stat(file);
      await fsp.truncate(file, Math.floor(size / 2));
    };

    it('by default, reads a large column from its file once, decoded, and holds the file no longer', async () => {
      const files = new PackedColumnFiles(dir);
      const source = onDisk(tables, files, 'decoded');
      const service = new HuntingService(source, () => now, HUNTING_TEMPLATES, { workers: 1 });
      try {
        expect((await service.run({ query })).results).toEqual(answer);
        const packed = await (source.written.get(target) as Promise<PackedColumn>);
        expect((packed.buffer as SharedArrayBuffer).byteLength).toBeGreaterThan(IN_FILE_MIN_BYTES);
        expect(openUnder(path.join(dir, 'decoded'))).toEqual([]);
        // Decoded: the file is not read again.
        await fsp.rm(path.join(dir, 'decoded'), { recursive: true });
        expect((await service.run({ query })).results).toEqual(answer);
      } finally {
        await service.close();
      }
    }, 120_000);

    it('ends the thread when the file is cut short while cells are read, and the next query answers', async () => {
      const files = new PackedColumnFiles(dir);
      const source = onDisk(tables, files, 'cut-while-read');
      const service = new HuntingService(source, () => now, HUNTING_TEMPLATES, {
        workers: 1,
        packedCellsMinBytes: 0,
        packedDynamicMinBytes: 0,
      });
      try {
        expect((await service.run({ query })).results).toEqual(answer);
        const packed = await (source.written.get(target) as Promise<PackedColumn>);
        // More chunks than a thread keeps read: a second pass reads the file again.
        expect((packed.buffer as SharedArrayBuffer).byteLength).toBeGreaterThan(8 * 1024 * 1024);
        const file = path.join(dir, 'cut-while-read', `AgentsInfo.${Buffer.from('RawAgentInfo').toString('hex')}.col`);
        expect(openUnder(dir)).toContain(file);
        await cut(file);
        await expect(service.run({ query })).rejects.toThrow(/AgentsInfo\.RawAgentInfo.*(ended early|unreadable)/);
        await files.write('cut-while-read', packed);
        expect((await service.run({ query })).results).toEqual(answer);
      } finally {
        await service.close();
      }
    }, 120_000);

    it('ends the thread when the file changed after it was checked, and the next query answers', async () => {
      const files = new PackedColumnFiles(dir);
      let spoil = true;
      const source = onDisk(tables, files, 'changed-after-check', async (column) => {
        if (!spoil || `${column.table}.${column.column}` !== target || !column.file) return;
        spoil = false;
        await cut(column.file.path);
      });
      const service = new HuntingService(source, () => now, HUNTING_TEMPLATES, {
        workers: 1,
        packedCellsMinBytes: 0,
        packedDynamicMinBytes: 0,
      });
      try {
        await expect(service.run({ query })).rejects.toThrow(
          /AgentsInfo\.RawAgentInfo: its file changed since it was checked/,
        );
        await files.write('changed-after-check', await (source.written.get(target) as Promise<PackedColumn>));
        expect((await service.run({ query })).results).toEqual(answer);
      } finally {
        await service.close();
      }
    }, 120_000);
  });
});
