import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Column, KqlCatalog, Row } from '../../bot/src/hunting/kql/index.js';
import { KqlError, KqlLimitError, compileKql } from '../../bot/src/hunting/kql/index.js';

// The operators and functions Microsoft's published AI-agent queries use beyond the first subset: parse ... with,
// mv-apply, lookup, serialize, evaluate bag_unpack, datatable, range, print, toscalar, and the functions they call.
const NOW = new Date('2026-11-25T12:00:00Z');
const SCHEMAS: Record<string, Column[]> = {
  Agents: [
    { name: 'Id', type: 'string' },
    { name: 'Config', type: 'string' },
    { name: 'Owners', type: 'dynamic' },
    { name: 'Bag', type: 'dynamic' },
  ],
  Accounts: [
    { name: 'Id', type: 'string' },
    { name: 'Enabled', type: 'bool' },
  ],
};
const ROWS: Record<string, Row[]> = {
  Agents: [
    {
      Id: 'a',
      Config: '{"GenerativeActionsEnabled":true,"port":8443}',
      Owners: ['u1', 'u2'],
      Bag: { mode: 'Maker', n: 2 },
    },
    { Id: 'b', Config: '{"GenerativeActionsEnabled":false,"port":443}', Owners: ['u3'], Bag: { mode: 'Invoker' } },
    { Id: 'c', Config: 'no settings', Owners: [], Bag: null },
  ],
  Accounts: [
    { Id: 'u1', Enabled: false },
    { Id: 'u2', Enabled: false },
    { Id: 'u3', Enabled: true },
  ],
};
const catalog: KqlCatalog = { schema: (n) => SCHEMAS[n] ?? null, tableNames: () => Object.keys(SCHEMAS) };
const run = (query: string, maxRows?: number) =>
  compileKql(query, catalog).run({ rows: (n) => ROWS[n] ?? [], now: NOW, ...(maxRows ? { maxRows } : {}) });

describe('KQL: parse ... with', () => {
  it('reads typed columns between literals and leaves them empty when the text does not match', () => {
    const r = run(
      'Agents | parse Config with * "\\"GenerativeActionsEnabled\\":" Enabled:bool ",\\"port\\":" Port:long "}" | project Id, Enabled, Port',
    );
    expect(r.rows).toEqual([
      { Id: 'a', Enabled: true, Port: 8443 },
      { Id: 'b', Enabled: false, Port: 443 },
      { Id: 'c', Enabled: null, Port: null },
    ]);
    expect(r.schema).toContainEqual({ name: 'Enabled', type: 'bool' });
  });

  it('a trailing string column takes the rest of the text', () => {
    expect(run('Agents | where Id == "c" | parse Config with "no " Rest').rows[0]).toMatchObject({ Rest: 'settings' });
  });

  it('names no column: an error at parse', () => {
    expect(() => compileKql('Agents | parse Config with * "x" *', catalog)).toThrow(KqlError);
  });
});

describe('KQL: mv-apply', () => {
  it('runs the subquery over each row’s values and keeps the row’s columns', () => {
    const r = run(`let Enabled = Accounts | where Enabled | project Id;
Agents
| mv-apply Owner = Owners to typeof(string) on (
    where Owner !in (Enabled)
    | summarize Disabled = make_list(Owner))
| project Id, Disabled, All = array_length(Owners)`);
    expect(r.rows).toEqual([
      { Id: 'a', Disabled: ['u1', 'u2'], All: 2 },
      { Id: 'b', Disabled: [], All: 1 },
      { Id: 'c', Disabled: [], All: 0 },
    ]);
  });

  it('a row whose subquery returns nothing is dropped', () => {
    const r = run('Agents | mv-apply o = Owners on (where o == "u3") | project Id, o');
    expect(r.rows).toEqual([{ Id: 'b', o: 'u3' }]);
  });
});

describe('KQL: lookup, serialize, evaluate bag_unpack', () => {
  it('lookup joins left outer without repeating the key', () => {
    const r = run('Agents | mv-expand Owner = Owners to typeof(string) | project Id = Owner | lookup Accounts on Id');
    expect(r.schema.map((c) => c.name)).toEqual(['Id', 'Enabled']);
    expect(r.rows).toEqual([
      { Id: 'u1', Enabled: false },
      { Id: 'u2', Enabled: false },
      { Id: 'u3', Enabled: true },
    ]);
  });

  it('lookup kind=inner drops rows without a match', () => {
    const r = run('datatable(Id:string)["u3", "zz"] | lookup kind=inner Accounts on Id');
    expect(r.rows).toEqual([{ Id: 'u3', Enabled: true }]);
  });

  it('serialize keeps the rows and can add columns', () => {
    expect(run('Agents | serialize n = strlen(Id) | project Id, n').rows).toEqual([
      { Id: 'a', n: 1 },
      { Id: 'b', n: 1 },
      { Id: 'c', n: 1 },
    ]);
  });

  it('bag_unpack turns the keys of a property bag into columns', () => {
    const r = run('Agents | project Id, Bag | evaluate bag_unpack(Bag)');
    expect(r.rows).toEqual([
      { Id: 'a', mode: 'Maker', n: 2 },
      { Id: 'b', mode: 'Invoker', n: null },
      { Id: 'c', mode: null, n: null },
    ]);
    expect(run("Agents | project Id, Bag | evaluate bag_unpack(Bag, 'x_') | where Id == 'b'").rows).toEqual([
      { Id: 'b', x_mode: 'Invoker', x_n: null },
    ]);
  });
});

describe('KQL: datatable, range, print, toscalar', () => {
  it('datatable makes typed rows', () => {
    const r = run(
      'datatable(Name:string, N:long, When:datetime)["x", 1, datetime(2026-01-02), "y", 2, datetime(null)]',
    );
    expect(r.rows).toEqual([
      { Name: 'x', N: 1, When: '2026-01-02T00:00:00.000Z' },
      { Name: 'y', N: 2, When: null },
    ]);
  });

  it('range counts numbers and steps dates', () => {
    expect(run('range x from 1 to 7 step 3').rows).toEqual([{ x: 1 }, { x: 4 }, { x: 7 }]);
    expect(run('range d from datetime(2026-01-01) to datetime(2026-01-03) step 1d | count').rows).toEqual([
      { Count: 3 },
    ]);
    expect(run('range x from 5 to 1 step 1').rows).toEqual([]);
  });

  it('print makes one row', () => {
    expect(run('print a = 1 + 1, b = "x"').rows).toEqual([{ a: 2, b: 'x' }]);
  });

  it('getschema lists the columns of its input', () => {
    expect(run('Accounts | getschema').rows).toEqual([
      { ColumnName: 'Id', ColumnOrdinal: 0, DataType: 'System.String', ColumnType: 'string' },
      { ColumnName: 'Enabled', ColumnOrdinal: 1, DataType: 'System.SByte', ColumnType: 'bool' },
    ]);
  });

  it('toscalar in a let is the first value of a query, computed in the same run', () => {
    const r = run(`let disabled = toscalar(Accounts | where not(Enabled) | count);
Agents | where array_length(Owners) == disabled | project Id`);
    expect(r.rows).toEqual([{ Id: 'a' }]);
  });
});

describe('KQL: functions the published queries call', () => {
  it.each<[string, unknown]>([
    [
      'indexof("instructions: x displayName", "displayName", indexof("instructions: x displayName", "instructions:") + 13)',
      16,
    ],
    ['indexof("abcabc", "c", 0, -1, 2)', 5],
    ['indexof("abc", "z")', -1],
    ['indexof("abc", "a", 1, -5)', null],
    ['trim(" ", "  x y  ")', 'x y'],
    ['trim(@"[\\s-]", "- -x- ")', 'x'],
    ['trim_start("a", "aab")', 'b'],
    ['hash_sha256("zava")', createHash('sha256').update('zava').digest('hex')],
    ['array_sort_asc(dynamic([3, null, 1]))', [1, 3, null]],
    ['array_sort_desc(dynamic(["a", "c", "b"]))', ['c', 'b', 'a']],
    ['format_datetime(datetime(2026-03-04 05:06:07.089), "yyyy-MM-dd HH:mm:ss.fff")', '2026-03-04 05:06:07.089'],
    ['format_datetime(datetime(2026-03-04 15:06:07), "M/d/yy h tt")', '3/4/26 3 PM'],
    ['bag_has_key(dynamic({"a": 1}), "a")', true],
    ['array_index_of(dynamic(["x", "y"]), "y")', 1],
  ])('%s', (expr, expected) => {
    expect(run(`print v = ${expr}`).rows[0]?.v).toEqual(expected);
  });
});

describe('KQL: percentile and percentiles', () => {
  it('nearest rank, one column per percentage, named like Kusto', () => {
    const r = run('range x from 1 to 10 step 1 | summarize percentile(x, 50), percentiles(x, 90, 99.5)');
    expect(r.rows).toEqual([{ percentile_x_50: 5, percentile_x_90: 9, percentile_x_99_5: 10 }]);
    expect(run('range x from 1 to 4 step 1 | summarize p = percentile(x, 0) by odd = x % 2').rows).toEqual([
      { odd: 1, p: 1 },
      { odd: 0, p: 2 },
    ]);
  });

  it('a percentage outside 0..100 is an error with its place', () => {
    expect(() => compileKql('Agents | summarize percentile(strlen(Id), 101)', catalog)).toThrow(/0 to 100/);
  });
});

describe('KQL: limits for the new sources and operators (422-class errors, never a stall)', () => {
  it('a huge range is refused before any row is made', () => {
    expect(() => run('range x from 1 to 10000000000 step 1', 1000)).toThrow(KqlLimitError);
  });

  it('mv-apply cannot grow past the row cap', () => {
    expect(() =>
      run('range x from 1 to 100 step 1 | extend a = pack_array(1, 2) | mv-apply v = a on (take 2)', 150),
    ).toThrow(KqlLimitError);
  });

  it('a datatable lists a bounded number of values', () => {
    const values = new Array(10_001).fill('1').join(',');
    expect(() => compileKql(`datatable(x:long)[${values}]`, catalog)).toThrow(/at most 10000 values/);
  });

  it('a datatable whose values do not fill its rows is an error with the place', () => {
    let error: unknown;
    try {
      compileKql('datatable(a:long, b:long)[1, 2, 3]', catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ line: 1, column: 1 });
  });
});
