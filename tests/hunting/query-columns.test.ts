// The columns a query reads (query-columns.ts) decide what a query thread is sent before the query runs: every
// template and a set of queries that reach columns in roundabout ways (a join's Name1, column_ifexists, an unprojected
// arg_max(*), distinct *, project-away patterns) give the same answer over only those columns as over whole rows.
// Then through the service: a thread given a few columns gets the others for the next query, and a new version of
// a table replaces the old in the thread.
import { describe, expect, it } from 'vitest';
import type { HuntingTableSet } from '../../bot/src/hunting/hunting-tables.js';
import {
  buildHuntingTables,
  huntingCatalog,
  HUNTING_SCHEMAS,
  staticTables,
  tablesAt,
} from '../../bot/src/hunting/hunting-tables.js';
import { HuntingService } from '../../bot/src/hunting/hunting-service.js';
import { compileKql } from '../../bot/src/hunting/kql/index.js';
import type { Row } from '../../bot/src/hunting/kql/values.js';
import { columnsRead } from '../../bot/src/hunting/query-columns.js';
import { RUNTIME_RETENTION_DAYS } from '../../bot/src/hunting/runtime-tables.js';
import { HUNTING_TEMPLATES } from '../../bot/src/hunting/templates.js';
import { zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const seed = zavaTenant(NOW);
const since = new Date(NOW.getTime() - RUNTIME_RETENTION_DAYS * 86_400_000).toISOString();
const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 1, NOW, {
  events: seed.events.filter((e) => e.occurredAt >= since),
  alerts: seed.alerts.filter((a) => a.lastActivityAt >= since),
});
const rowsOf = (name: string): Row[] => (tables as unknown as Record<string, Row[]>)[name] ?? [];

const QUERIES = [
  'AIAgentsInfo | take 3',
  'AIAgentsInfo | count',
  'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId',
  'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId | count',
  'AIAgentsInfo | summarize take_any(*) by Platform | project Platform, AIAgentName | order by Platform asc',
  'AIAgentsInfo | distinct * | count',
  'AIAgentsInfo | project-away RawAgentInfo, Agent* | take 5',
  'AIAgentsInfo | join kind=inner (AIAgentsInfo) on AIAgentId | where Platform1 == "Copilot Studio" | count',
  'AIAgentsInfo | join kind=inner (AgentsInfo | where PublishedStatus == "Published") on $left.AIAgentId == $right.AgentId | summarize dcount(Instructions1)',
  'IdentityInfo | where column_ifexists("Department", "") == "Finance" | count',
  'AgentsInfo | where isnotnull(RawAgentInfo.Bot) | summarize count() by Platform',
  'AIAgentsInfo | extend x = 2 * toint(IsBlocked) | summarize sum(x)',
  'AIAgentsInfo | parse Instructions with * "http" Rest | where isnotempty(Rest) | count',
  'let Published = AgentsInfo | where PublishedStatus == "Published"; Published | summarize count() by LifecycleStatus',
  'AIAgentsInfo | union AgentsInfo | take 4',
  'AIAgentsInfo | getschema',
  'AIAgentsInfo | mv-expand Tool = AgentToolsDetails | evaluate bag_unpack(Tool) | take 3',
  'BehaviorInfo | join kind=leftouter (BehaviorEntities) on BehaviorId | take 5',
  'AlertInfo | lookup kind=leftouter (AlertEvidence | summarize count() by AlertId) on AlertId',
  // The first column of a table read as a value, named nowhere.
  'print First = toscalar(IdentityInfo | project-away Timestamp | extend x = 1 | take 1)',
  'let Ids = IdentityInfo | project-away Timestamp | extend x = 1; IdentityInfo | where AccountUpn in (Ids) | count',
];

describe('the columns a query reads', () => {
  const cases = [
    ...HUNTING_TEMPLATES.map((t) => ({ name: t.id, query: t.query })),
    ...QUERIES.map((q) => ({ name: q, query: q })),
  ];

  it.each(cases)('$name: the same answer over only the columns it reads', ({ query }) => {
    const reads = columnsRead(query, huntingCatalog);
    const compiled = compileKql(query, huntingCatalog);
    const whole = compiled.run({ rows: rowsOf, now: NOW });
    const pruned = compiled.run({
      now: NOW,
      rows: (name) => {
        const columns = reads.get(name);
        if (!columns) return [];
        return rowsOf(name).map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
      },
    });
    expect(pruned).toEqual(whole);
  });

  it('leaves out what no name reaches, and keeps everything for distinct *', () => {
    expect(columnsRead('AIAgentsInfo | count', huntingCatalog)).toEqual(new Map([['AIAgentsInfo', []]]));
    const latest = columnsRead(
      'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId | project AIAgentName',
      huntingCatalog,
    );
    expect(latest.get('AIAgentsInfo')).toEqual(['Timestamp', 'AIAgentId', 'AIAgentName']);
    expect(columnsRead('AIAgentsInfo | distinct * | count', huntingCatalog).get('AIAgentsInfo')).toHaveLength(
      HUNTING_SCHEMAS.AIAgentsInfo?.length ?? -1,
    );
    // toscalar() and `in (T)` read the first column of a table, here one no name reaches: it is read all the same.
    const first = 'print First = toscalar(IdentityInfo | project-away Timestamp | extend x = 1 | take 1)';
    expect(columnsRead(first, huntingCatalog).get('IdentityInfo')).toContain('AccountObjectId');
    expect(compileKql(first, huntingCatalog).run({ rows: rowsOf, now: NOW }).rows).toEqual([
      { First: rowsOf('IdentityInfo')[0]?.AccountObjectId },
    ]);
    // Tables it names only.
    expect(
      [...columnsRead(HUNTING_TEMPLATES.find((t) => t.id === 'orphaned')?.query ?? '', huntingCatalog).keys()].sort(),
    ).toEqual(['AIAgentsInfo', 'IdentityInfo']);
  });
});

describe('query threads given the columns queries read', () => {
  it('answer every query as over whole tables, across new columns and new versions of a table', async () => {
    let current: HuntingTableSet = tables;
    const service = new HuntingService({ at: async () => tablesAt(current) }, () => NOW, HUNTING_TEMPLATES, {
      workers: 1,
    });
    try {
      const expected = (query: string, set: HuntingTableSet) =>
        compileKql(query, huntingCatalog).run({
          rows: (name) => (set as unknown as Record<string, Row[]>)[name] ?? [],
          now: NOW,
        }).rows;
      const names = 'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId | project AIAgentId, AIAgentName';
      const statuses =
        'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId | project AIAgentId, AgentStatus, Platform';
      expect((await service.run({ query: names })).results).toEqual(expected(names, current));
      // The same thread, more columns of the same version.
      expect((await service.run({ query: statuses })).results).toEqual(expected(statuses, current));
      // A new version of the agents part, with one agent renamed: the thread drops the old columns.
      const id = tables.AIAgentsInfo[0]?.AIAgentId;
      const renamed = tables.AIAgentsInfo.map((r) =>
        r.AIAgentId === id ? { ...r, AIAgentName: 'Renamed for the test' } : r,
      );
      current = { ...tables, AIAgentsInfo: renamed, version: 2, parts: { agents: 2, runtime: 1 } };
      const after = (await service.run({ query: names })).results;
      expect(after).toEqual(expected(names, current));
      expect(after.map((r) => r.AIAgentName)).toContain('Renamed for the test');
      expect((await service.run({ query: statuses })).results).toEqual(expected(statuses, current));
      // Everything prepared in the background: every template as over whole tables.
      await service.prepared();
      for (const t of HUNTING_TEMPLATES) {
        expect((await service.run({ templateId: t.id })).results, t.id).toEqual(expected(t.query, current));
      }
    } finally {
      await service.close();
    }
  }, 120_000);

  it('let go of their threads and the packed tables once nobody hunts, and answer the same after', async () => {
    const service = new HuntingService(staticTables(tables), () => NOW, HUNTING_TEMPLATES, {
      workers: 1,
      idleReleaseMs: 100,
    });
    try {
      const query = HUNTING_TEMPLATES[0]?.query ?? '';
      const before = await service.run({ query });
      expect(service.released).toBe(false);
      for (let i = 0; i < 200 && !service.released; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(service.released).toBe(true);
      expect((await service.run({ query })).results).toEqual(before.results);
      expect(service.released).toBe(false);
    } finally {
      await service.close();
    }
  });
});
