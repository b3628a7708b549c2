import { describe, expect, it } from 'vitest';
import type { Column, KqlCatalog, Row } from '../../bot/src/hunting/kql/index.js';
import { KqlError, compileKql } from '../../bot/src/hunting/kql/index.js';

// A small agents table with dynamic tool details, and an accounts table to join with.
const NOW = new Date('2026-11-25T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const mcp = (name: string, mode: string) => ({
  displayName: name,
  action: {
    operationDetails: { $kind: 'ModelContextProtocolMetadata', url: `https://${name}.example/mcp` },
    connectionProperties: { mode },
  },
});
const connector = (name: string) => ({
  displayName: name,
  action: { operationDetails: { $kind: 'Connector' }, connectionProperties: { mode: 'Invoker' } },
});

const SCHEMAS: Record<string, Column[]> = {
  Agents: [
    { name: 'Timestamp', type: 'datetime' },
    { name: 'Id', type: 'string' },
    { name: 'Name', type: 'string' },
    { name: 'Owner', type: 'string' },
    { name: 'Users', type: 'long' },
    { name: 'Tools', type: 'dynamic' },
    { name: 'Raw', type: 'string' },
  ],
  Accounts: [
    { name: 'Upn', type: 'string' },
    { name: 'Enabled', type: 'bool' },
  ],
};
const ROWS: Record<string, Row[]> = {
  Agents: [
    {
      Timestamp: daysAgo(40),
      Id: 'a',
      Name: 'Billing',
      Owner: 'nestor@zava.example',
      Users: 10,
      Tools: [mcp('billing', 'Invoker')],
      Raw: '{"v":1}',
    },
    {
      Timestamp: daysAgo(2),
      Id: 'a',
      Name: 'Billing',
      Owner: 'nestor@zava.example',
      Users: 340,
      Tools: [mcp('billing', 'Maker'), connector('Outlook')],
      Raw: '{"v":2,"tags":["x","y"]}',
    },
    { Timestamp: daysAgo(10), Id: 'b', Name: 'HR Policy', Owner: 'patti@zava.example', Users: 900, Tools: [], Raw: '' },
    {
      Timestamp: daysAgo(60),
      Id: 'c',
      Name: 'Shift Scheduler',
      Owner: 'lynne@zava.example',
      Users: 85,
      Tools: [connector('Shifts')],
      Raw: 'not json',
    },
  ],
  Accounts: [
    { Upn: 'nestor@zava.example', Enabled: true },
    { Upn: 'lynne@zava.example', Enabled: false },
  ],
};
const catalog: KqlCatalog = { schema: (n) => SCHEMAS[n] ?? null, tableNames: () => Object.keys(SCHEMAS) };
const run = (query: string) => compileKql(query, catalog).run({ rows: (n) => ROWS[n] ?? [], now: NOW });

describe('KQL evaluator', () => {
  it.each<[string, string, Record<string, unknown>[]]>([
    ['where ==', 'Agents | where Name == "HR Policy" | project Id', [{ Id: 'b' }]],
    ['where != keeps non-null rows', 'Agents | where Id != "a" | project Id', [{ Id: 'b' }, { Id: 'c' }]],
    ['=~ ignores case', 'Agents | where Name =~ "billing" | distinct Id', [{ Id: 'a' }]],
    ['in and !in', 'Agents | where Id in ("a", "c") and Id !in ("a") | project Id', [{ Id: 'c' }]],
    ['has matches whole terms', 'Agents | where Name has "shift" | project Id', [{ Id: 'c' }]],
    ['has does not match inside a term', 'Agents | where Name has "shif" | project Id', []],
    ['contains matches inside a term', 'Agents | where Name contains "SHIF" | project Id', [{ Id: 'c' }]],
    ['startswith', 'Agents | where Owner startswith "PATTI" | project Id', [{ Id: 'b' }]],
    [
      'not(), isempty and isnotempty',
      'Agents | where not(isempty(Raw)) and isnotempty(Owner) | distinct Id | order by Id asc',
      [{ Id: 'a' }, { Id: 'c' }],
    ],
    [
      'ago() and now()',
      'Agents | where Timestamp > ago(30d) and Timestamp < now() | project Id',
      [{ Id: 'a' }, { Id: 'b' }],
    ],
    [
      'arithmetic and timespans',
      'Agents | where Id == "b" | project Days = (now() - Timestamp) / 1d, Twice = Users * 2',
      [{ Days: 10, Twice: 1800 }],
    ],
    [
      'project-away',
      'Agents | where Id == "b" | project-away Tools, Raw, Timestamp, Owner',
      [{ Id: 'b', Name: 'HR Policy', Users: 900 }],
    ],
    [
      'extend sees earlier columns',
      'Agents | where Id == "b" | extend x = Users + 1, y = x * 2 | project x, y',
      [{ x: 901, y: 1802 }],
    ],
    [
      'summarize count and dcount by',
      'Agents | summarize n = count(), owners = dcount(Owner) by Id | order by Id asc',
      [
        { Id: 'a', n: 2, owners: 1 },
        { Id: 'b', n: 1, owners: 1 },
        { Id: 'c', n: 1, owners: 1 },
      ],
    ],
    [
      'summarize default names',
      'Agents | summarize count(), dcount(Id), max(Users), min(Users)',
      [{ count_: 4, dcount_Id: 3, max_Users: 900, min_Users: 10 }],
    ],
    [
      'arg_max(Timestamp, *) keeps the newest row per key',
      'Agents | summarize arg_max(Timestamp, *) by Id | where Id == "a" | project Id, Users',
      [{ Id: 'a', Users: 340 }],
    ],
    ['make_set', 'Agents | summarize s = make_set(Id)', [{ s: ['a', 'b', 'c'] }]],
    [
      'mv-expand and dynamic access with ["$kind"]',
      'Agents | summarize arg_max(Timestamp, *) by Id | mv-expand Tool = Tools | where tostring(Tool.action.operationDetails["$kind"]) == "ModelContextProtocolMetadata" and tostring(Tool.action.connectionProperties.mode) == "Maker" | project Id, Url = tostring(Tool.action.operationDetails.url)',
      [{ Id: 'a', Url: 'https://billing.example/mcp' }],
    ],
    ['mv-expand of an empty array drops the row', 'Agents | where Id == "b" | mv-expand Tools | count', [{ Count: 0 }]],
    [
      'parse_json, todynamic and index access',
      'Agents | where Raw has "tags" | project v = toint(parse_json(Raw).v), t = tostring(todynamic(Raw).tags[1])',
      [{ v: 2, t: 'y' }],
    ],
    [
      'parse_json of text that is not JSON stays text',
      'Agents | where Id == "c" | project r = tostring(parse_json(Raw))',
      [{ r: 'not json' }],
    ],
    ['order by and take', 'Agents | order by Users desc | take 2 | project Users', [{ Users: 900 }, { Users: 340 }]],
    ['order by asc', 'Agents | order by Users asc | limit 1 | project Users', [{ Users: 10 }]],
    ['top', 'Agents | top 1 by Timestamp asc | project Id', [{ Id: 'c' }]],
    [
      'distinct',
      'Agents | distinct Owner | order by Owner asc',
      [{ Owner: 'lynne@zava.example' }, { Owner: 'nestor@zava.example' }, { Owner: 'patti@zava.example' }],
    ],
    [
      'join kind=inner on a key (right duplicate columns get a 1)',
      'Agents | where Id == "c" | project Id, Upn = Owner | join kind=inner Accounts on Upn',
      [{ Id: 'c', Upn: 'lynne@zava.example', Upn1: 'lynne@zava.example', Enabled: false }],
    ],
    [
      'join kind=leftouter keeps rows without a match',
      'Agents | distinct Owner | join kind=leftouter Accounts on $left.Owner == $right.Upn | project Owner, Enabled | order by Owner asc',
      [
        { Owner: 'lynne@zava.example', Enabled: false },
        { Owner: 'nestor@zava.example', Enabled: true },
        { Owner: 'patti@zava.example', Enabled: null },
      ],
    ],
    [
      'let scalar and let table with in',
      'let big = 100; let Big = Agents | where Users > big | project Id; Agents | where Id in (Big) | distinct Id | order by Id asc',
      [{ Id: 'a' }, { Id: 'b' }],
    ],
    [
      'union',
      'Agents | where Id == "b" | project Id | union (Accounts | project Id = Upn | take 1)',
      [{ Id: 'b' }, { Id: 'nestor@zava.example' }],
    ],
    [
      'iff, strcat and case',
      'Agents | where Id == "b" | project a = iff(Users > 500, "many", "few"), b = strcat(Id, "-", Users), c = case(Users < 10, "s", Users < 1000, "m", "l")',
      [{ a: 'many', b: 'b-900', c: 'm' }],
    ],
    [
      'mvexpand, the older spelling of mv-expand',
      'Agents | where Id == "a" | mvexpand T = Tools | count',
      [{ Count: 3 }],
    ],
    [
      'project-reorder puts the named columns (and patterns) first, in the order named',
      'Agents | where Id == "b" | project Id, Name, Users | project-reorder Users, N*',
      [{ Users: 900, Name: 'HR Policy', Id: 'b' }],
    ],
    [
      'column_ifexists takes the column when it exists, else the default; datetime(null) is a typed null',
      'Agents | where Id == "b" | project a = column_ifexists("Name", "x"), b = column_ifexists("Nope", column_ifexists("Users", 0)), c = tostring(column_ifexists("Gone", "")), d = isnull(datetime(null))',
      [{ a: 'HR Policy', b: 900, c: '', d: true }],
    ],
    ['matches regex with (?i)', 'Agents | where Owner matches regex @"(?i)^NESTOR@" | distinct Id', [{ Id: 'a' }]],
    [
      'parse_url',
      'Accounts | take 1 | extend u = parse_url("https://inventory.zava.example:8443/api/sync?x=1") | project s = tostring(u.Scheme), p = tostring(u.Port), h = tostring(u.Host)',
      [{ s: 'https', p: '8443', h: 'inventory.zava.example' }],
    ],
  ])('%s', (_name, query, expected) => {
    expect(run(query).rows).toEqual(expected);
  });

  it('returns the schema with types, as runHuntingQuery does, and datetimes as ISO strings', () => {
    const result = run('Agents | summarize arg_max(Timestamp, Name) by Id | where Id == "b"');
    expect(result.schema).toEqual([
      { name: 'Id', type: 'string' },
      { name: 'Timestamp', type: 'datetime' },
      { name: 'Name', type: 'string' },
    ]);
    expect(result.rows).toEqual([{ Id: 'b', Timestamp: daysAgo(10).toISOString(), Name: 'HR Policy' }]);
  });

  it('compiles once and runs again over changed rows', () => {
    const compiled = compileKql('Agents | count', catalog);
    expect(compiled.run({ rows: (n) => ROWS[n] ?? [], now: NOW }).rows).toEqual([{ Count: 4 }]);
    expect(compiled.run({ rows: () => [], now: NOW }).rows).toEqual([{ Count: 0 }]);
  });

  it('stops a join or mv-expand that makes too many rows, at its place', () => {
    const compiled = compileKql('Agents\n| extend k = 1\n| join kind=inner (Agents | extend k = 1) on k', catalog);
    const run = () => compiled.run({ rows: (n) => ROWS[n] ?? [], now: NOW, maxRows: 10 });
    expect(run).toThrow(KqlError);
    expect(run).toThrow('line 3, column 3: the join makes more than 10 rows; narrow the query first');
    expect(compiled.run({ rows: (n) => ROWS[n] ?? [], now: NOW, maxRows: 16 }).rows).toHaveLength(16);
    const expand = compileKql('Agents | mv-expand Tools', catalog);
    expect(() => expand.run({ rows: (n) => ROWS[n] ?? [], now: NOW, maxRows: 2 })).toThrow(
      'the mv-expand makes more than 2 rows',
    );
  });

  it('matches regex and extract in linear time with RE2 semantics (a pattern that backtracks forever in V8)', () => {
    const evil = 'a'.repeat(5000) + '!';
    const q = `Accounts | take 1 | extend s = "${evil}" | project m = s matches regex "(a+)+$", e = extract("(a+)+(!)", 2, s)`;
    expect(run(q).rows).toEqual([{ m: false, e: '!' }]);
    expect(
      run('Accounts | take 1 | project e = extract(@"(\\d+)-(\\d+)", 2, "id 12-34"), n = extract("(x)", 3, "x")').rows,
    ).toEqual([{ e: '34', n: '' }]);
  });

  describe('extract_all (Kusto semantics, RE2)', () => {
    const one = (expression: string) => run(`Accounts | take 1 | project r = ${expression}`).rows[0]?.r as unknown;

    it("gives one group's matches as a flat array, in order", () => {
      expect(one('extract_all(@"(\\d+)", "a set of numbers: 123, 567 and 789")')).toEqual(['123', '567', '789']);
      // Kusto's own example: the hex bytes of a GUID.
      expect(one('extract_all(@"([\\da-f]{2})", "82b8be2d-dfa7")')).toEqual(['82', 'b8', 'be', '2d', 'df', 'a7']);
    });

    it('gives several groups as an array per match, or the ones captureGroups picks by number or name', () => {
      const guid = '"82b8be2d-dfa7-4bd1-8f63-24ad26d31449"';
      expect(one(`extract_all(@"(\\w)(\\w+)(\\w)", ${guid})`)).toEqual([
        ['8', '2b8be2', 'd'],
        ['d', 'fa', '7'],
        ['4', 'bd', '1'],
        ['8', 'f6', '3'],
        ['2', '4ad26d3144', '9'],
      ]);
      expect(one(`extract_all(@"(\\w)(\\w+)(\\w)", dynamic([1, 3]), ${guid})`)).toEqual([
        ['8', 'd'],
        ['d', '7'],
        ['4', '1'],
        ['8', '3'],
        ['2', '9'],
      ]);
      expect(one(`extract_all(@"(?P<first>\\w)(\\w+)(?P<last>\\w)", dynamic(["last"]), ${guid})`)).toEqual([
        'd',
        '7',
        '1',
        '3',
        '9',
      ]);
      // The deprecated alias, and a group that took no part in a match reading as "".
      expect(one('extractall(@"(a)(b)?", "ab a")')).toEqual([
        ['a', 'b'],
        ['a', ''],
      ]);
    });

    it('is null when nothing matches or the text is null, and skips an empty match where the last one ended', () => {
      expect(one('extract_all(@"(\\d+)", "no digits")')).toBeNull();
      expect(one('extract_all(@"(\\d+)", tostring(dynamic(null)))')).toBeNull();
      expect(one('extract_all(@"(x*)", "xxzx")')).toEqual(['xx', 'x']);
      expect(one('extract_all(@"(x*)", "zz")')).toEqual(['', '', '']);
      // mv-expand turns the matches into rows.
      expect(
        run(
          'Accounts | take 1 | project s = "mail a@x.example, b@y.example" | mv-expand m = extract_all(@"([a-z]+)@", s) to typeof(string) | project m',
        ).rows,
      ).toEqual([{ m: 'a' }, { m: 'b' }]);
    });

    it('runs in linear time where a backtracking regex would not end', () => {
      const evil = 'a'.repeat(20_000) + '!';
      const started = performance.now();
      expect(one(`extract_all(@"((a+)+$)", "${evil}")`)).toBeNull();
      expect(one(`extract_all(@"((a+)+!)", "${evil}")`)).toEqual([[evil, 'a'.repeat(20_000)]]);
      expect(performance.now() - started).toBeLessThan(5_000);
    });

    it.each([
      [
        'Accounts | project r = extract_all(@"\\d+", Upn)',
        36,
        'extract_all() needs a regular expression with 1 to 16 capture groups, this one has 0',
      ],
      [
        'Accounts | project r = extract_all(@"(\\d+)", dynamic([2]), Upn)',
        46,
        'capture group 2 is not in the regular expression (1 to 1)',
      ],
      ['Accounts | project r = extract_all(@"(\\d+)", dynamic(["n"]), Upn)', 46, 'capture group "n" is not in'],
      ['Accounts | project r = extract_all(@"(", Upn)', 36, 'invalid regular expression'],
      ['Accounts | project r = extract_all("(x)", Upn, Upn)', 43, 'must be a non-empty dynamic array literal'],
    ])('refuses %j at the place of the fault', (query, column, detail) => {
      let error: unknown;
      try {
        compileKql(query, catalog);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KqlError);
      expect((error as KqlError).message).toContain(`line 1, column ${column}`);
      expect((error as KqlError).message).toContain(detail);
    });
  });

  it.each([
    ['Agents | project Nope', 1, 18, "unknown column or name 'Nope'"],
    ['Agents\n| where Users > 1\n| extend x = frobnicate(Id)', 3, 14, "unknown function 'frobnicate'"],
    ['Agents | where count() > 1', 1, 16, 'count() is an aggregation: use it in summarize'],
    ['Agents | summarize n = strlen(Id)', 1, 24, "unknown aggregation 'strlen'"],
    ['Agents | extend x = tostring(Id, Name)', 1, 21, 'tostring() takes 1 argument, got 2'],
    ['Agents | join kind=inner Accounts on Nope', 1, 38, "the left side has no column 'Nope'"],
    ['Agents | where Name matches regex "("', 1, 35, 'invalid regular expression'],
    // RE2 has no look-behind (Kusto refuses it too).
    ['Agents | where Name matches regex "(?<=a)b"', 1, 35, 'invalid regular expression'],
    ['Agents | project Id, Id', 1, 22, "column 'Id' appears twice; name one of them: Name = ..."],
    ['Agents | project-away Nope', 1, 23, "unknown column 'Nope'"],
    ['Agents | take -1', 1, 10, 'the row count must be a non-negative number'],
  ])('points at the error in %j', (query, line, column, detail) => {
    let error: unknown;
    try {
      compileKql(query, catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KqlError);
    expect(error).toMatchObject({ line, column });
    expect((error as KqlError).detail).toContain(detail);
  });
});
