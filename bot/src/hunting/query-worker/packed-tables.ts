// The hunting tables in the one compact form the query threads read: UTF-8 JSON lines in a SharedArrayBuffer,
// one line per chunk of rows (each row an array in its table's column order, datetimes as epoch milliseconds).
// The request thread packs a table set once per store version, a chunk at a time with a yield between chunks
// (so a large tenant never stalls it for long), and every query thread reads the same buffer: no per-thread
// structured clone on the request thread, one shared copy of the packed bytes.
import type { Column, Row, Value } from '../kql/values.js';

/** Rows per JSON line: small enough that packing one chunk is a short pause of the request thread. */
const ROWS_PER_CHUNK = 2_000;
const NEWLINE = 0x0a;
const LINES_PER_COPY_SLICE = 16;

export interface PackedTables {
  /** Which part of the tables (hunting-tables.ts HUNTING_PARTS); a thread replaces a part when its version moves. */
  part: string;
  version: number;
  /** UTF-8 JSON lines: `{"t": table, "r": [[...row], ...]}`. */
  buffer: SharedArrayBuffer;
  /** Rows per table, for the service's stats. */
  rowCounts: Record<string, number>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function packRow(row: Row, columns: Column[]): unknown[] {
  return columns.map(({ name, type }) => {
    const v = row[name] ?? null;
    return type === 'datetime' && v instanceof Date ? v.getTime() : v;
  });
}

/** Packs `tables` (rows keyed by table name) into the shared form, yielding to the event loop between chunks. */
export async function packTables(
  tables: Record<string, Row[]>,
  schemas: Record<string, Column[]>,
  version: number,
  part = 'all',
): Promise<PackedTables> {
  const lines: Buffer[] = [];
  const rowCounts: Record<string, number> = {};
  for (const [table, rows] of Object.entries(tables)) {
    const columns = schemas[table];
    if (!columns) throw new Error(`no schema for hunting table ${table}`);
    rowCounts[table] = rows.length;
    for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
      const chunk = rows.slice(start, start + ROWS_PER_CHUNK).map((row) => packRow(row, columns));
      lines.push(Buffer.from(`${JSON.stringify({ t: table, r: chunk })}\n`, 'utf8'));
      await yieldToEventLoop();
    }
  }
  const size = lines.reduce((sum, line) => sum + line.length, 0);
  const buffer = new SharedArrayBuffer(size);
  const view = Buffer.from(buffer);
  let offset = 0;
  for (const [i, line] of lines.entries()) {
    offset += line.copy(view, offset);
    // Hundreds of MB at 100,000 agents: copied a slice at a time too.
    if (i % LINES_PER_COPY_SLICE === LINES_PER_COPY_SLICE - 1) await yieldToEventLoop();
  }
  return { part, version, buffer, rowCounts };
}

function unpackRow(values: unknown[], columns: Column[]): Row {
  const row: Row = {};
  columns.forEach(({ name, type }, i) => {
    const v = (values[i] ?? null) as Value;
    row[name] = type === 'datetime' && typeof v === 'number' ? new Date(v) : v;
  });
  return row;
}

/** Reads the shared form back into rows (in a query thread), a line at a time. */
export function unpackTables(buffer: SharedArrayBuffer, schemas: Record<string, Column[]>): Record<string, Row[]> {
  const bytes = Buffer.from(buffer);
  const tables: Record<string, Row[]> = {};
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    const { t, r } = JSON.parse(bytes.toString('utf8', start, end)) as { t: string; r: unknown[][] };
    const columns = schemas[t];
    if (columns) {
      const rows = (tables[t] ??= []);
      for (const values of r) rows.push(unpackRow(values, columns));
    }
    start = end + 1;
  }
  return tables;
}
