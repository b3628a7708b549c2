// The hunting tables in the compact form the query threads read, a column at a time: each column of a table
// version is a run of chunks in its own SharedArrayBuffer, each chunk the column's values for consecutive rows:
// strings as their UTF-8 bytes after their lengths (a column of text, RawAgentInfo's JSON text above all, is neither
// escaped nor parsed), anything else as a JSON array (datetimes as epoch milliseconds). Column by column, so that a
// query waits only for the columns it reads (query-columns.ts) and a change repacks only the changed table. The
// request thread packs a chunk at a time with a yield between chunks (a large tenant never stalls it for long);
// every query thread reads the same buffer: no per-thread structured clone on the request thread, one shared copy.
import { rowOfColumns } from '../kql/row-makers.js';
import type { Column, Row, Value } from '../kql/values.js';

/** Rows per chunk at most: small enough that packing or reading one chunk is a short pause of its thread. */
export const ROWS_PER_CHUNK = 2_000;
/** Bytes per chunk aimed at: a column of large values (RawAgentInfo) gets fewer rows per chunk. */
const BYTES_PER_CHUNK = 1024 * 1024;
const MIN_ROWS_PER_CHUNK = 16;
const FIRST_CHUNK_ROWS = 100;
/** Bytes copied into the shared buffer between two yields. */
const BYTES_PER_COPY_SLICE = 16 * 1024 * 1024;
/** A chunk: its payload's length (u32), its kind (u8), the payload. */
const CHUNK_HEADER = 5;
const JSON_CHUNK = 0;
/** Payload: the count (u32), each value's byte length (i32, -1 for null), then the UTF-8 bytes one after another. */
const STRINGS_CHUNK = 1;

/** One column of one version of a table, packed. */
export interface PackedColumn {
  table: string;
  column: string;
  /** The version of the table's rows (its part's version, hunting-tables.ts HUNTING_PARTS). */
  version: number;
  rowCount: number;
  /** The chunks, each up to ROWS_PER_CHUNK rows (about a MB at most). */
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

/**
 * One chunk, measured: text values with their byte lengths (written from the values themselves), or the JSON text of
 * other values. Nothing is copied into a Buffer of its own: at 100,000 agents a Buffer per chunk made the request
 * thread collect a heap holding the tables over and over.
 */
type Chunk =
  | { kind: typeof STRINGS_CHUNK; values: (string | null)[]; lengths: Int32Array; payload: number }
  | { kind: typeof JSON_CHUNK; text: string; payload: number };

function measure(values: unknown[], text: boolean): Chunk {
  if (!text) {
    const json = JSON.stringify(values);
    return { kind: JSON_CHUNK, text: json, payload: Buffer.byteLength(json, 'utf8') };
  }
  const strings = values as (string | null)[];
  const lengths = new Int32Array(strings.length);
  let bytes = 0;
  for (let i = 0; i < strings.length; i += 1) {
    const v = strings[i] ?? null;
    const n = v === null ? -1 : Buffer.byteLength(v, 'utf8');
    lengths[i] = n;
    if (n > 0) bytes += n;
  }
  return { kind: STRINGS_CHUNK, values: strings, lengths, payload: 4 + 4 * strings.length + bytes };
}

/** Writes a measured chunk at `at`; returns where the next one starts. */
function writeChunk(view: Buffer, at: number, chunk: Chunk): number {
  view.writeUInt32LE(chunk.payload, at);
  view.writeUInt8(chunk.kind, at + 4);
  let p = at + CHUNK_HEADER;
  if (chunk.kind === JSON_CHUNK) {
    view.write(chunk.text, p, 'utf8');
  } else {
    p = view.writeUInt32LE(chunk.values.length, p);
    for (const n of chunk.lengths) p = view.writeInt32LE(n, p);
    chunk.values.forEach((v, i) => {
      if (v !== null) p += view.write(v, p, chunk.lengths[i] as number, 'utf8');
    });
  }
  return at + CHUNK_HEADER + chunk.payload;
}

/** Packs one column of `rows` into the shared form, yielding to the event loop between chunks. */
export async function packColumn(table: string, column: Column, rows: Row[], version: number): Promise<PackedColumn> {
  const { name, type } = column;
  const chunks: Chunk[] = [];
  let size = 0;
  // A first small chunk tells the size of a row; the next ones aim at BYTES_PER_CHUNK.
  let perChunk = FIRST_CHUNK_ROWS;
  for (let start = 0; start < rows.length;) {
    const end = Math.min(rows.length, start + perChunk);
    const values = new Array<unknown>(end - start);
    let text = true;
    for (let i = start; i < end; i += 1) {
      const v = (rows[i] as Row)[name] ?? null;
      values[i - start] = type === 'datetime' && v instanceof Date ? v.getTime() : v;
      if (v !== null && typeof v !== 'string') text = false;
    }
    const chunk = measure(values, text);
    chunks.push(chunk);
    size += CHUNK_HEADER + chunk.payload;
    const bytesPerRow = (CHUNK_HEADER + chunk.payload) / (end - start);
    perChunk = Math.max(MIN_ROWS_PER_CHUNK, Math.min(ROWS_PER_CHUNK, Math.floor(BYTES_PER_CHUNK / bytesPerRow)));
    start = end;
    await yieldToEventLoop();
  }
  const buffer = new SharedArrayBuffer(size);
  const view = Buffer.from(buffer);
  let offset = 0;
  let sinceYield = 0;
  for (const chunk of chunks) {
    const next = writeChunk(view, offset, chunk);
    sinceYield += next - offset;
    offset = next;
    // Hundreds of MB for a large column at 100,000 agents: written a slice at a time too.
    if (sinceYield >= BYTES_PER_COPY_SLICE) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return { table, column: name, version, rowCount: rows.length, buffer };
}

/** A packed column that does not read back: the thread that read it is ended and the table packed again. */
export class UnreadableColumnError extends Error {
  constructor(
    readonly table: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a packed column back, a chunk per `step()`, so that a thread can read a large column between other work;
 * `values` is complete when `step()` returns true.
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
    const bytes = this.bytes;
    const payload = bytes.readUInt32LE(this.offset);
    const kind = bytes.readUInt8(this.offset + 4);
    const start = this.offset + CHUNK_HEADER;
    this.offset = start + payload;
    if (this.offset > bytes.length || (kind !== STRINGS_CHUNK && kind !== JSON_CHUNK)) {
      const { table, column } = this.packed;
      throw new Error(
        `hunting column ${table}.${column}: chunk at byte ${start - CHUNK_HEADER} of ${bytes.length} unreadable`,
      );
    }
    if (kind === STRINGS_CHUNK) {
      const count = bytes.readUInt32LE(start);
      let at = start + 4 + 4 * count;
      for (let i = 0; i < count; i += 1) {
        const n = bytes.readInt32LE(start + 4 + 4 * i);
        this.values[this.filled] = n < 0 ? null : bytes.toString('utf8', at, at + n);
        if (n > 0) at += n;
        this.filled += 1;
      }
      return this.done;
    }
    let chunk: Value[];
    try {
      chunk = JSON.parse(bytes.toString('utf8', start, start + payload)) as Value[];
    } catch (error) {
      const { table, column } = this.packed;
      throw new UnreadableColumnError(
        table,
        `hunting column ${table}.${column}: chunk at byte ${start - CHUNK_HEADER} of ${bytes.length} unreadable (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const dates = this.type === 'datetime';
    for (const v of chunk) {
      this.values[this.filled] = dates && typeof v === 'number' ? new Date(v) : (v ?? null);
      this.filled += 1;
    }
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
 * when built, so the engine reads them as fast); a column not given is absent (read as null). Each row is made by
 * one generated object literal (row-makers.ts): given its properties one by one, an object of about 20 becomes a
 * dictionary (AIAgentsInfo has 28 columns), and every read of every query then hashes the column's name.
 */
export function rowsFromColumns(schema: Column[], rowCount: number, columns: Map<string, Value[]>): Row[] {
  const present = schema.filter((c) => columns.has(c.name));
  const makeRow = rowOfColumns(
    present.map((c) => c.name),
    present.map((c) => columns.get(c.name) as Value[]),
  );
  const rows = new Array<Row>(rowCount);
  for (let i = 0; i < rowCount; i += 1) rows[i] = makeRow(i);
  return rows;
}
