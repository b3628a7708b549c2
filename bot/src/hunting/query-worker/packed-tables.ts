// The hunting tables in the compact form the query threads read, a column at a time: each column of a table
// version is UTF-8 JSON lines in its own SharedArrayBuffer, one line per chunk of rows (a JSON array of the column's
// values in row order, datetimes as epoch milliseconds). Column by column, so that a query waits only for the
// columns it reads (query-columns.ts) and a change repacks only the changed table. The request thread packs a chunk
// at a time with a yield between chunks (a large tenant never stalls it for long); every query thread reads the
// same buffer: no per-thread structured clone on the request thread, one shared copy of the packed bytes.
import type { Column, Row, Value } from '../kql/values.js';

/** Rows per JSON line at most: small enough that packing or reading one chunk is a short pause of its thread. */
export const ROWS_PER_CHUNK = 2_000;
/** Bytes per JSON line aimed at: a column of large values (RawAgentInfo) gets fewer rows per line. */
const BYTES_PER_CHUNK = 1024 * 1024;
const MIN_ROWS_PER_CHUNK = 16;
const FIRST_CHUNK_ROWS = 100;
/** Bytes copied into the shared buffer between two yields. */
const BYTES_PER_COPY_SLICE = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/** One column of one version of a table, packed. */
export interface PackedColumn {
  table: string;
  column: string;
  /** The version of the table's rows (its part's version, hunting-tables.ts HUNTING_PARTS). */
  version: number;
  rowCount: number;
  /** UTF-8 JSON lines, each an array of the column's values for up to ROWS_PER_CHUNK rows (about a MB at most). */
  buffer: SharedArrayBuffer;
}

/** What a query thread needs of one table: its version and rows, with the packed columns to read. */
export interface PackedTable {
  table: string;
  version: number;
  rowCount: number;
  columns: PackedColumn[];
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Packs one column of `rows` into the shared form, yielding to the event loop between chunks. */
export async function packColumn(table: string, column: Column, rows: Row[], version: number): Promise<PackedColumn> {
  const { name, type } = column;
  const lines: Buffer[] = [];
  // A first small chunk tells the size of a row; the next ones aim at BYTES_PER_CHUNK.
  let perChunk = FIRST_CHUNK_ROWS;
  for (let start = 0; start < rows.length;) {
    const end = Math.min(rows.length, start + perChunk);
    const values = new Array<unknown>(end - start);
    for (let i = start; i < end; i += 1) {
      const v = (rows[i] as Row)[name] ?? null;
      values[i - start] = type === 'datetime' && v instanceof Date ? v.getTime() : v;
    }
    const line = Buffer.from(`${JSON.stringify(values)}\n`, 'utf8');
    lines.push(line);
    // The next chunk sized to about BYTES_PER_CHUNK by this one's bytes per row.
    const bytesPerRow = line.length / (end - start);
    perChunk = Math.max(MIN_ROWS_PER_CHUNK, Math.min(ROWS_PER_CHUNK, Math.floor(BYTES_PER_CHUNK / bytesPerRow)));
    start = end;
    await yieldToEventLoop();
  }
  const size = lines.reduce((sum, line) => sum + line.length, 0);
  const buffer = new SharedArrayBuffer(size);
  const view = Buffer.from(buffer);
  let offset = 0;
  let sinceYield = 0;
  for (const line of lines) {
    offset += line.copy(view, offset);
    sinceYield += line.length;
    // Hundreds of MB for a large column at 100,000 agents: copied a slice at a time too.
    if (sinceYield >= BYTES_PER_COPY_SLICE) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return { table, column: name, version, rowCount: rows.length, buffer };
}

/**
 * Reads a packed column back, a line (chunk) per `step()`, so that a thread can read a large column between other
 * work; `values` is complete when `step()` returns true.
 */
export class ColumnReader {
  readonly values: Value[];
  private readonly bytes: Buffer;
  private offset = 0;
  private filled = 0;

  constructor(
    readonly packed: PackedColumn,
    private readonly type: Column['type'],
  ) {
    this.bytes = Buffer.from(packed.buffer);
    this.values = new Array<Value>(packed.rowCount).fill(null);
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** Reads the next chunk; true once the whole column is read. */
  step(): boolean {
    if (this.done) return true;
    let end = this.bytes.indexOf(NEWLINE, this.offset);
    if (end < 0) end = this.bytes.length;
    const chunk = JSON.parse(this.bytes.toString('utf8', this.offset, end)) as Value[];
    const dates = this.type === 'datetime';
    for (const v of chunk) {
      this.values[this.filled] = dates && typeof v === 'number' ? new Date(v) : (v ?? null);
      this.filled += 1;
    }
    this.offset = end + 1;
    return this.done;
  }

  /** Reads what is left at once. */
  finish(): Value[] {
    while (!this.step());
    return this.values;
  }
}

/** Reads a whole packed column back (tests; the query thread reads with ColumnReader). */
export function unpackColumn(packed: PackedColumn, type: Column['type']): Value[] {
  return new ColumnReader(packed, type).finish();
}

/**
 * Rows from columns: one object per row with the given columns in the table's order (the same shape the rows had
 * when built, so the engine reads them as fast); a column not given is absent (read as null).
 */
export function rowsFromColumns(schema: Column[], rowCount: number, columns: Map<string, Value[]>): Row[] {
  const present = schema.filter((c) => columns.has(c.name)).map((c) => [c.name, columns.get(c.name) as Value[]]);
  const rows = new Array<Row>(rowCount);
  for (let i = 0; i < rowCount; i += 1) {
    const row: Row = {};
    for (const [name, values] of present as [string, Value[]][]) row[name] = values[i] ?? null;
    rows[i] = row;
  }
  return rows;
}
