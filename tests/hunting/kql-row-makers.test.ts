import { describe, expect, it } from 'vitest';
import type { Column, KqlCatalog, Row } from '../../bot/src/hunting/kql/index.js';
import { compileKql } from '../../bot/src/hunting/kql/index.js';
import { rowOfColumns } from '../../bot/src/hunting/kql/row-makers.js';
import type { Value } from '../../bot/src/hunting/kql/values.js';
import { parseJson } from '../../bot/src/hunting/kql/values.js';
import { rowsFromColumns } from '../../bot/src/hunting/query-worker/packed-tables.js';

// Rows are made by generated object literals and read by functions made per name (kql/row-makers.ts,
// compiler.ts's propertyReader): names that are also Object.prototype's, or that a literal would misread, must
// behave as any other name.
const NOW = new Date('2026-11-25T12:00:00Z');
const WIDE: Column[] = Array.from({ length: 30 }, (_, i) => ({ name: `C${i}`, type: 'long' as const }));
const SCHEMAS: Record<string, Column[]> = {
  Odd: [
    { name: 'k', type: 'string' },
    { name: 'constructor', type: 'string' },
    { name: 'toString', type: 'long' },
  ],
  Wide: WIDE,
};
const ROWS: Record<string, Row[]> = {
  Odd: [
    { k: 'a', constructor: 'made by hand', toString: 1 },
    { k: 'b', constructor: null, toString: null },
  ],
  Wide: rowsFromColumns(
    WIDE,
    3,
    new Map(WIDE.filter((_, i) => i !== 7).map((c, i) => [c.name, [i, i + 100, i + 200]])),
  ),
};
const catalog: KqlCatalog = { schema: (n) => SCHEMAS[n] ?? null, tableNames: () => Object.keys(SCHEMAS) };
const run = (query: string) => compileKql(query, catalog).run({ rows: (n) => ROWS[n] ?? [], now: NOW }).rows;

describe('KQL rows made by generated code', () => {
  it("reads a dynamic value's member named like Object.prototype's only when the value has it", () => {
    expect(
      run(
        `print d = dynamic({"a": 1}), e = parse_json('{"__proto__": 5, "constructor": "x", "hasOwnProperty": [1]}')
        | project c = d.constructor, p = d.__proto__, t = d.toString, ec = e.constructor, ep = e.__proto__,
            eh = e.hasOwnProperty`,
      ),
    ).toEqual([{ c: null, p: null, t: null, ec: 'x', ep: 5, eh: [1] }]);
    // The same names as a string index (`d["__proto__"]`): Kusto answers null for a member the bag lacks.
    expect(
      run(
        `print d = dynamic({"a": 1}), e = parse_json('{"__proto__": 5, "constructor": "x"}')
        | project p = d["__proto__"], c = d["constructor"], t = d["toString"], ep = e["__proto__"], ec = e["constructor"]`,
      ),
    ).toEqual([{ p: null, c: null, t: null, ep: 5, ec: 'x' }]);
  });

  it('keeps columns named like Object.prototype properties through project, extend, join and summarize', () => {
    expect(run('Odd | project k, constructor, toString | order by k asc')).toEqual([
      { k: 'a', constructor: 'made by hand', toString: 1 },
      { k: 'b', constructor: null, toString: null },
    ]);
    // Compared as JSON: an own `__proto__` property is what the engine must make (a literal's `__proto__:` would set
    // the prototype instead), and toEqual does not compare it as one.
    const json = (query: string) => JSON.stringify(run(query));
    expect(json('Odd | extend __proto__ = strcat(k, "!"), valueOf = 2 | project k, __proto__, valueOf')).toBe(
      '[{"k":"a","__proto__":"a!","valueOf":2},{"k":"b","__proto__":"b!","valueOf":2}]',
    );
    expect(
      json('Odd | summarize constructor = count(), __proto__ = make_list(k) by toString | order by toString asc'),
    ).toBe('[{"toString":null,"constructor":1,"__proto__":["b"]},{"toString":1,"constructor":1,"__proto__":["a"]}]');
    for (const row of run('Odd | extend __proto__ = 1')) expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it("unpacks a bag's keys as columns whatever they are named, quotes and Object.prototype's names included", () => {
    // JSON text: a literal's `__proto__:` would set the prototype, not a key.
    const bag = '{"\\"};process.exit(7);({\\"": 1, "__proto__": 2, "constructor": 3, "1": 4}';
    expect(JSON.stringify(run(`print k = "x", d = parse_json(@'${bag}') | evaluate bag_unpack(d)`))).toBe(
      '[{"1":4,"k":"x","\\"};process.exit(7);({\\"":1,"__proto__":2,"constructor":3}]',
    );
  });

  it('makes rows of 30 columns from packed columns, a column not sent read as null', () => {
    expect(run('Wide | where C29 >= 100 | project C0, C7, C8, C29 | order by C0 asc')).toEqual([
      { C0: 100, C7: null, C8: 107, C29: 128 },
      { C0: 200, C7: null, C8: 207, C29: 228 },
    ]);
    expect(
      run('Wide | extend D = C28 + C1 | mv-expand E = pack_array(C2, C3) to typeof(long) | summarize sum(D), sum(E)'),
    ).toEqual([
      // D is C28 + C1 (27 + 1 in the first row, C7 not sent), each row twice after mv-expand.
      { sum_D: 2 * (28 + 228 + 428), sum_E: 2 + 3 + 102 + 103 + 202 + 203 },
    ]);
  });

  it('reads a JSON path of a column read a cell at a time from the paths kept, through projections and copies', () => {
    const raw = ['{"a": {"b": "one"}, "n": 1}', 'not JSON', '{"a": {"b": ["x"]}}', null];
    let cellReads = 0;
    let pathReads = 0;
    const kept = new Map<string, unknown>();
    const Cells: Column[] = [
      { name: 'Id', type: 'long' },
      { name: 'Raw', type: 'string' },
    ];
    const rows = rowsFromColumns(Cells, raw.length, new Map([['Id', [0, 1, 2, 3]]]), new Map());
    // The column Raw read a cell at a time, its paths kept by key: what PackedCells does, counted.
    const make = rowOfColumns(
      ['Id'],
      [[0, 1, 2, 3]],
      [
        {
          name: 'Raw',
          at: (i) => (cellReads++, raw[i] ?? null),
          path: (i, key, parse, read) => {
            const k = `${i}${parse}${key}`;
            if (!kept.has(k)) {
              pathReads++;
              kept.set(k, read(parse ? parseJson(raw[i] ?? null) : (raw[i] ?? null)));
            }
            return kept.get(k) as Value;
          },
        },
      ],
    );
    const cellRows = raw.map((_, i) => make(i));
    const query = (table: string) =>
      `${table} | project Id, R = Raw | extend B = parse_json(R).a.b, F = tostring(parse_json(R).a.b[0]) | extend R = iff(Id == 2, '{"a": {"b": "own"}}', R) | project Id, B, F, Own = parse_json(R).a.b, Raw2 = R`;
    const cat: KqlCatalog = {
      schema: (n) => (n === 'Plain' || n === 'Cells' ? Cells : null),
      tableNames: () => ['Plain', 'Cells'],
    };
    const plainRows = rows.map((r, i) => ({ ...r, Raw: raw[i] ?? null }));
    const over = (table: string, rs: Row[]) => compileKql(query(table), cat).run({ rows: () => rs, now: NOW }).rows;
    const want = over('Plain', plainRows);
    expect(want.map((r) => r.B)).toEqual(['one', null, ['x'], null]);
    expect(over('Cells', cellRows)).toEqual(want);
    // Run again: every path comes from the paths kept; only the output Raw2 reads cells, those whose R the extend
    // did not set (row 2's is its own).
    const firstCells = cellReads;
    const firstPaths = pathReads;
    // The paths of the 3 non-null cells read through the projection and copies, never the cells themselves.
    expect(firstPaths).toBeGreaterThanOrEqual(3 * 2);
    expect(firstCells).toBe(raw.length - 1);
    expect(over('Cells', cellRows)).toEqual(want);
    expect(pathReads).toBe(firstPaths);
    expect(cellReads - firstCells).toBe(raw.length - 1);
  });
});
