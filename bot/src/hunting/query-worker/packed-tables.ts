// The hunting tables in the compact form the query threads read, a column at a time: each column of a table
// version is a run of chunks in its own SharedArrayBuffer, each chunk the column's values for consecutive rows:
// strings as their UTF-8 bytes after their lengths (a column of text, RawAgentInfo's JSON text above all, is neither
// escaped nor parsed), a dynamic value as its own JSON text the same way, anything else as a JSON array (datetimes as
// epoch milliseconds). Column by column, so that a query waits only for the columns it reads (query-columns.ts) and a
// change repacks only the changed table. The request thread packs a chunk at a time with a yield between chunks (a
// large tenant never stalls it for long); every query thread reads the same buffer: no per-thread structured clone on
// the request thread, one shared copy. A large column of text or dynamic values read back from disk stays in its file
// (ColumnFile): the request thread holds none of it, and a query thread reads it from there, decoded once, or kept
// packed and decoded a cell at a time when a query reads it (PackedCells, HUNTING_PACKED_CELLS_MB).
import { readFileSync, readSync } from 'node:fs';
import { memberReader, rowOfColumns } from '../kql/row-makers.js';
import { isObject, parseJsonUncached } from '../kql/values.js';
import { ParsedCells } from './string-pool.js';
import type { ColumnPool, StringPool } from './string-pool.js';
import type { Column, Row, Value } from '../kql/values.js';

/** Rows per chunk at most: small enough that packing or reading one chunk is a short pause of its thread. */
export const ROWS_PER_CHUNK = 2_000;
/** Bytes per chunk aimed at: a column of large values (RawAgentInfo) gets fewer rows per chunk. */
const BYTES_PER_CHUNK = 1024 * 1024;
const MIN_ROWS_PER_CHUNK = 16;
const FIRST_CHUNK_ROWS = 100;
/** A chunk: its payload's length (u32), its kind (u8), the payload. */
const CHUNK_HEADER = 5;
const JSON_CHUNK = 0;
/** Payload: the count (u32), each value's byte length (i32, -1 for null), then the UTF-8 bytes one after another. */
const STRINGS_CHUNK = 1;
/** Payload as STRINGS_CHUNK, each value its JSON text (a dynamic column: a cell can be parsed alone). */
const JSON_CELLS_CHUNK = 2;

/**
 * Packed bytes from which a column of text or dynamic values is left in its file by the request thread, which then
 * holds none of it: its query threads read it from there (`holdsPacked`).
 */
export const IN_FILE_MIN_BYTES = 4 * 1024 * 1024;

/** Whether a column of `type` can be kept packed and read a cell at a time: text or dynamic, from `minBytes`. */
export const holdsPacked = (type: Column['type'], packedBytes: number, minBytes = IN_FILE_MIN_BYTES): boolean =>
  (type === 'string' || type === 'dynamic') && packedBytes >= minBytes;

/**
 * Whether a query thread keeps a column packed, reading a cell each time a query reads it, rather than decoded once
 * (its limits: query-pool.ts QueryLimits). A cell of text costs a UTF-8 decode per read, a dynamic one a parse.
 */
export const keepsPacked = (
  type: Column['type'],
  packedBytes: number,
  limits: { packedCellsMinBytes: number; packedDynamicMinBytes: number },
): boolean =>
  type === 'dynamic'
    ? packedBytes >= limits.packedDynamicMinBytes
    : holdsPacked(type, packedBytes, limits.packedCellsMinBytes);

/** One column of one version of a table, packed. */
export interface PackedColumn {
  table: string;
  column: string;
  /** The version of the table's rows (its part's version, hunting-tables.ts HUNTING_PARTS). */
  version: number;
  rowCount: number;
  /** The chunks, each up to ROWS_PER_CHUNK rows (about a MB at most); null for a column read from its file. */
  buffer: SharedArrayBuffer | null;
  /** Where the chunks are on disk, for a large column the query threads read from its file (table-cache.ts). */
  file?: ColumnFile;
}

/**
 * A large column of text or dynamic values kept on disk (table-cache.ts): no thread holds it in memory; a query
 * thread reads a chunk from the file when a query reads one of its cells (the operating system's page cache keeps
 * the file's pages, and lets them go when memory is needed).
 */
export interface ColumnFile {
  path: string;
  /** Where the chunks start in the file, and their length in bytes. */
  offset: number;
  length: number;
  /** The digest the file's header holds, and where: what the request thread checked the chunks against. */
  digest: string;
  digestAt: number;
}

/** The packed size of a column, in memory or on disk. */
export const packedBytes = (packed: PackedColumn): number => packed.buffer?.byteLength ?? packed.file?.length ?? 0;

/** What a query thread needs of one table: its version and rows, with the packed columns to read. */
export interface PackedTable {
  table: string;
  version: number;
  rowCount: number;
  columns: PackedColumn[];
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A dynamic cell's text parsed. */
const parseCell = (text: string): Value => JSON.parse(text) as Value;

/**
 * One chunk, measured: text values with their byte lengths (written from the values themselves), or the JSON text of
 * other values. Nothing is copied into a Buffer of its own: at 100,000 agents a Buffer per chunk made the request
 * thread collect a heap holding the tables over and over.
 */
type Chunk =
  | {
      kind: typeof STRINGS_CHUNK | typeof JSON_CELLS_CHUNK;
      values: (string | null)[];
      lengths: Int32Array;
      payload: number;
    }
  | { kind: typeof JSON_CHUNK; text: string; payload: number };

function measure(values: unknown[], text: boolean, dynamic: boolean): Chunk {
  if (!text && !dynamic) {
    const json = JSON.stringify(values);
    return { kind: JSON_CHUNK, text: json, payload: Buffer.byteLength(json, 'utf8') };
  }
  const strings = dynamic ? values.map((v) => (v === null ? null : JSON.stringify(v))) : (values as (string | null)[]);
  const lengths = new Int32Array(strings.length);
  let bytes = 0;
  for (let i = 0; i < strings.length; i += 1) {
    const v = strings[i] ?? null;
    const n = v === null ? -1 : Buffer.byteLength(v, 'utf8');
    lengths[i] = n;
    if (n > 0) bytes += n;
  }
  const kind = dynamic ? JSON_CELLS_CHUNK : STRINGS_CHUNK;
  return { kind, values: strings, lengths, payload: 4 + 4 * strings.length + bytes };
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
  const packer = new ColumnPacker(table, column);
  for (const row of rows) if (packer.add(row[column.name])) await yieldToEventLoop();
  return packer.finish(version);
}

/** A SharedArrayBuffer that grows (ES2024, in Node 20's V8), up to the length it was made with. */
interface GrowingBuffer extends SharedArrayBuffer {
  grow(length: number): void;
}
const GrowingBuffer = SharedArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => GrowingBuffer;
/** A column's bytes at most: where its cells start is read as 32-bit offsets. */
const MAX_COLUMN_BYTES = 2 ** 32 - 1;

/**
 * Packs one column a cell at a time, in row order: each chunk is written once full, into a shared buffer that grows
 * by it. The buffer reserves address space for the largest column and takes pages only as it grows: nothing is
 * copied, and what a builder let go goes back to the system. The table builder's thread packs each row's cells as
 * the row is made and keeps no row: at 100,000 agents, built from all its rows at once (as objects, or as the
 * chunks' text), the agent tables took the builder's heap to 2.5-3.1 GB while the next version was made beside the
 * one hunted; chunks written to bytes of their own and copied at the end left a GB resident in the allocator.
 */
export class ColumnPacker {
  private values: unknown[] = [];
  private text = true;
  /** A first small chunk tells the size of a row; the next ones aim at BYTES_PER_CHUNK. */
  private perChunk = FIRST_CHUNK_ROWS;
  private readonly buffer = new GrowingBuffer(0, { maxByteLength: MAX_COLUMN_BYTES });
  private rowCount = 0;

  constructor(
    readonly table: string,
    readonly column: Column,
  ) {}

  /** Adds the next row's cell; true when that filled a chunk (a caller on the request thread yields then). */
  add(cell: Value | undefined): boolean {
    const v = cell ?? null;
    this.values.push(this.column.type === 'datetime' && v instanceof Date ? v.getTime() : v);
    if (v !== null && typeof v !== 'string') this.text = false;
    this.rowCount += 1;
    if (this.values.length < this.perChunk) return false;
    this.writeChunk();
    return true;
  }

  /** The column packed under `version`. */
  finish(version: number): PackedColumn {
    this.writeChunk();
    return { table: this.table, column: this.column.name, version, rowCount: this.rowCount, buffer: this.buffer };
  }

  private writeChunk(): void {
    const rows = this.values.length;
    if (rows === 0) return;
    const chunk = measure(this.values, this.text, this.column.type === 'dynamic');
    const at = this.buffer.byteLength;
    const bytes = CHUNK_HEADER + chunk.payload;
    if (at + bytes > MAX_COLUMN_BYTES) {
      throw new Error(`hunting column ${this.table}.${this.column.name} is larger than ${MAX_COLUMN_BYTES} bytes`);
    }
    this.buffer.grow(at + bytes);
    writeChunk(Buffer.from(this.buffer, at, bytes), 0, chunk);
    this.perChunk = Math.max(
      MIN_ROWS_PER_CHUNK,
      Math.min(ROWS_PER_CHUNK, Math.floor(BYTES_PER_CHUNK / (bytes / rows))),
    );
    this.values = [];
    this.text = true;
  }
}

/**
 * A packed column that does not read back: the thread that read it is ended and the table packed again. Its version
 * says whether the tables that answer now are concerned (a file of an older version may be gone already).
 */
export class UnreadableColumnError extends Error {
  readonly table: string;
  readonly version: number;

  constructor(column: Pick<PackedColumn, 'table' | 'column' | 'version'>, why: string) {
    super(`hunting column ${column.table}.${column.column}: ${why}`);
    this.table = column.table;
    this.version = column.version;
  }
}

/**
 * A column a thread keeps packed: where each cell's bytes are, read (and parsed, for a dynamic column) only when a
 * query reads the cell. A cell of a chunk that is not text (a JSON array) is decoded with its chunk and kept.
 */
export class PackedCells {
  /** Where each cell's bytes start in the column's buffer (or file). */
  readonly starts: Uint32Array;
  /** Each cell's byte length, -1 for null. */
  readonly lengths: Int32Array;
  /** Cells of chunks that are not text, decoded. */
  readonly decoded = new Map<number, Value>();
  /** The JSON paths kept, by key (`path`). */
  private readonly paths = new Map<string, KeptPath>();
  private pathChars = 0;
  /** The kept paths of top-level members, by name: with parse_json applied, and without. */
  private readonly parsedMembers = new Map<string, KeptPath | null>();
  private readonly valueMembers = new Map<string, KeptPath | null>();
  /** Cells parsed ahead of the queries so far (`warmStep`). */
  private warmedTo = 0;
  /** The names of the top-level members of the cells parsed ahead (null past MAX_NAMES: not known). */
  private names: Set<string> | null = new Set();
  /** The cell parsed last (row, whether parse_json applied), for the next path of the same row. */
  private lastRow = -1;
  private lastParse = false;
  private lastParsed: Value = null;
  /** `pool`: where the strings of the paths kept are held once (a thread's StringPool), if anywhere. */
  constructor(
    readonly source: CellSource,
    rowCount: number,
    readonly json: boolean,
    private readonly pool: ColumnPool | null = null,
  ) {
    this.starts = new Uint32Array(rowCount);
    this.lengths = new Int32Array(rowCount).fill(-1);
  }

  /**
   * Cell `i`: its text, or its parsed JSON for a dynamic column (through `parsed`, when given, so equal cells share
   * their value); null past the end.
   */
  at(i: number, parsed?: ParsedCells): Value {
    const n = this.lengths[i];
    if (n === undefined || n < 0) return this.decoded.get(i) ?? null;
    const text = this.source.text(i, this.starts[i] as number, n);
    if (!this.json) return text;
    return parsed ? parsed.parse(text, parseCell) : (JSON.parse(text) as Value);
  }

  /**
   * `read` of cell `i` (as `at` gives it, or parse_json of that when `parse`): a JSON path of the cell, the path
   * named by `key`. Scalars are kept by path (up to PATHS_PER_COLUMN paths and PATH_CHARS_PER_COLUMN characters of
   * text), so that the next query reads `RawAgentInfo.criticalAsset` or `parse_json(RawAgentInfo).instructions`
   * without decoding or parsing the cell again. A cell parsed once fills every path kept of it and its top-level
   * scalar members (`fill`), so a parse of the whole column (seconds at 100,000 agents) is paid once, not once per
   * path. Memory: what the paths read, never the parsed cells.
   */
  path(i: number, key: string, parse: boolean, read: (parsed: Value) => Value): Value {
    const kept = this.kept(key, parse, read);
    const known = kept?.values[i];
    if (known !== undefined) return known;
    if (this.absent(key, parse)) return null;
    if (this.lastRow !== i || this.lastParse !== parse) {
      const cell = this.at(i);
      this.lastParsed = parse ? parseJsonUncached(cell) : cell;
      this.lastRow = i;
      this.lastParse = parse;
      this.fill(i, parse, this.lastParsed);
    }
    const value = read(this.lastParsed);
    if (value !== null && typeof value === 'object') {
      // An object or an array is the caller's own: the next read parses the cell again.
      this.lastRow = -1;
      return value;
    }
    if (kept) this.keep(kept.values, i, value);
    return value;
  }

  /** Whether every cell was parsed ahead of the queries (`warm`). */
  get warm(): boolean {
    return this.warmedTo >= this.lengths.length;
  }

  /**
   * Parses the next `rows` cells ahead of the queries, filling the paths kept and the top-level scalars (a query
   * thread calls it between queries, once a column kept packed is read): the first query of a path then reads
   * what is kept. parse_json applies to a column of text; a dynamic column is read as it is.
   */
  warmStep(rows = WARM_ROWS_PER_STEP): void {
    const parse = !this.json;
    const end = Math.min(this.lengths.length, this.warmedTo + rows);
    for (let i = this.warmedTo; i < end; i += 1) {
      const cell = this.at(i);
      const parsed = parse ? parseJsonUncached(cell) : cell;
      this.fill(i, parse, parsed);
      if (!isObject(parsed) || this.names === null) continue;
      for (const name in parsed) this.names.add(name);
      if (this.names.size > MAX_NAMES) this.names = null;
    }
    this.warmedTo = end;
  }

  /**
   * Whether path `key` is a top-level member no cell has, read as the cells were parsed ahead: null in every row
   * then (`parse_json(RawAgentInfo).environmentType` of a tenant without it), without a parse of every cell.
   */
  private absent(key: string, parse: boolean): boolean {
    if (!this.warm || parse === this.json || this.names === null) return false;
    const name = /^\.("(?:[^"\\]|\\.)*")$/.exec(key)?.[1];
    return name !== undefined && !this.names.has(JSON.parse(name) as string);
  }

  /** Cell `i` parsed: each of its top-level members that is a scalar, and every path kept, kept for row `i`. */
  private fill(i: number, parse: boolean, parsed: Value): void {
    if (isObject(parsed)) {
      for (const name in parsed) {
        const v = parsed[name] as Value;
        if (v !== null && typeof v === 'object') continue;
        const member = this.member(name, parse);
        if (member && member.values[i] === undefined) this.keep(member.values, i, v);
      }
    }
    for (const other of this.paths.values()) {
      if (other.parse !== parse || other.values[i] !== undefined) continue;
      const v = other.read(parsed);
      if (v === null || typeof v !== 'object') this.keep(other.values, i, v);
    }
  }

  /** The kept path of member `name` (`.name`), made the first time (null past PATHS_PER_COLUMN). */
  private member(name: string, parse: boolean): KeptPath | null {
    const members = parse ? this.parsedMembers : this.valueMembers;
    let kept = members.get(name);
    if (kept === undefined) {
      kept = this.kept(`.${JSON.stringify(name)}`, parse, memberReader(name)) ?? null;
      // A hostile cell of many keys is not remembered key by key.
      if (members.size < 4 * PATHS_PER_COLUMN) members.set(name, kept);
    }
    return kept;
  }

  /** The paths kept, to be kept of the next version of the column too (`learn`). */
  pathsKept(): PathReader[] {
    return [...this.paths.entries()].map(([key, { parse, read }]) => ({ key: key.slice(1), parse, read }));
  }

  /** Keeps `paths` (of the previous version of the column) from the first read of each cell. */
  learn(paths: PathReader[]): void {
    for (const { key, parse, read } of paths) this.kept(key, parse, read);
  }

  private kept(key: string, parse: boolean, read: (parsed: Value) => Value): KeptPath | undefined {
    const fullKey = parse ? `p${key}` : `v${key}`;
    let kept = this.paths.get(fullKey);
    if (kept === undefined && this.paths.size < PATHS_PER_COLUMN) {
      // Filled in order: an array made with its length, as large as a table, would hold its cells in a dictionary.
      const values: (Value | undefined)[] = [];
      for (let r = 0; r < this.lengths.length; r += 1) values.push(undefined);
      kept = { parse, read, values };
      this.paths.set(fullKey, kept);
    }
    return kept;
  }

  private keep(values: (Value | undefined)[], i: number, value: Value): void {
    if (this.pathChars >= PATH_CHARS_PER_COLUMN) return;
    if (typeof value === 'string') {
      this.pathChars += value.length;
      values[i] = this.pool ? this.pool.string(value) : value;
    } else {
      values[i] = value;
    }
  }
}

/** A JSON path of a column's cells: its key, whether parse_json applies to the cell, and its reader. */
export interface PathReader {
  key: string;
  parse: boolean;
  read: (parsed: Value) => Value;
}

/** A path kept: a value per row (undefined: not read yet). */
interface KeptPath {
  parse: boolean;
  read: (parsed: Value) => Value;
  values: (Value | undefined)[];
}

/**
 * JSON paths of a column kept packed that are kept (PackedCells.path), and the text they may hold: RawAgentInfo's
 * top-level scalars at 100,000 agents are about 30 paths and 60 million characters.
 */
const PATHS_PER_COLUMN = 64;
const PATH_CHARS_PER_COLUMN = 128 * 1024 * 1024;
/** Top-level member names of a column's cells that are remembered (RawAgentInfo's are about 50). */
const MAX_NAMES = 4096;
/** Cells a query thread parses ahead of the queries at a time, between two looks at its messages. */
const WARM_ROWS_PER_STEP = 500;

/** Where a packed column's bytes are read from: its shared buffer, or its file. */
export interface CellSource {
  /** The UTF-8 text of `n` bytes at `start`, the cell of row `row`. */
  text(row: number, start: number, n: number): string;
}

const bufferSource = (bytes: Buffer): CellSource => ({
  text: (_row, start, n) => bytes.toString('utf8', start, start + n),
});

/** Chunks up to this size are read whole and kept (the last CACHED_CHUNKS of them); a cell of a larger one alone. */
const CACHED_CHUNK_BYTES = 4 * 1024 * 1024;
const CACHED_CHUNKS = 4;

/** Fills `bytes` from the file at `position`; false when the file ends first. */
function readFully(fd: number, bytes: Buffer, position: number): boolean {
  for (let got = 0; got < bytes.length;) {
    const n = readSync(fd, bytes, got, bytes.length - got, position + got);
    if (n === 0) return false;
    got += n;
  }
  return true;
}

/**
 * A column's file, read a chunk at a time as its cells are read: rows are mostly read in order, so the chunk of the
 * last cell read (and the few before it) answers most reads. Memory: the index (8 bytes a row) and CACHED_CHUNKS
 * chunks of about a MB.
 */
class FileChunks implements CellSource {
  /** Each row's chunk. */
  readonly rowChunk: Uint32Array;
  private readonly chunkStarts: number[] = [];
  private readonly chunkEnds: number[] = [];
  /** The chunks read last, least recent first. */
  private readonly cache = new Map<number, Buffer>();

  constructor(
    readonly fd: number,
    private readonly packed: PackedColumn,
  ) {
    this.rowChunk = new Uint32Array(packed.rowCount);
  }

  /** Records a chunk's payload range; its index. */
  addChunk(start: number, end: number): number {
    this.chunkStarts.push(start);
    this.chunkEnds.push(end);
    return this.chunkStarts.length - 1;
  }

  text(row: number, start: number, n: number): string {
    const chunk = this.rowChunk[row] as number;
    const from = this.chunkStarts[chunk] as number;
    const to = this.chunkEnds[chunk] as number;
    if (to - from > CACHED_CHUNK_BYTES) return this.read(start, n).toString('utf8');
    let bytes = this.cache.get(chunk);
    if (bytes) {
      this.cache.delete(chunk);
    } else {
      bytes = this.read(from, to - from);
      if (this.cache.size >= CACHED_CHUNKS) this.cache.delete(this.cache.keys().next().value as number);
    }
    this.cache.set(chunk, bytes);
    return bytes.toString('utf8', start - from, start - from + n);
  }

  read(position: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    let whole: boolean;
    try {
      whole = readFully(this.fd, bytes, position);
    } catch (error) {
      throw new UnreadableColumnError(this.packed, (error as Error).message);
    }
    if (!whole) throw new UnreadableColumnError(this.packed, 'its file ended early');
    return bytes;
  }
}

/** A chunk's values written as one JSON array; `fail` makes the error for text that is not one. */
function jsonChunk(text: string, fail: (why: string) => Error): Value[] {
  let chunk: unknown;
  try {
    chunk = JSON.parse(text);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (!Array.isArray(chunk)) throw fail('it is not a JSON array');
  return chunk as Value[];
}

/**
 * Reads a packed column back, a chunk per `step()`, so that a thread can read a large column between other work:
 * decoded into `values`, or, for a column it keeps packed, into `cells` (where each cell is). Complete when
 * `step()` returns true.
 */
export class ColumnReader {
  readonly values: Value[];
  readonly cells: PackedCells | null;
  private readonly bytes: Buffer;
  private offset = 0;
  private filled = 0;
  private readonly pool: ColumnPool | null;
  /** Whether the values decoded are looked up in the pool (`poolLater`). */
  private pooling = true;
  /** A dynamic column decoded: its cells parsed once per distinct text. */
  private readonly parsed: ParsedCells | null;

  /** `pool`: where the values decoded keep their strings and dates, held once per thread. */
  constructor(
    readonly packed: PackedColumn,
    private readonly type: Column['type'],
    keepPacked = false,
    bytes?: Buffer,
    pool?: StringPool,
  ) {
    if (!bytes && !packed.buffer) throw new Error(`hunting column ${packed.table}.${packed.column} is in its file`);
    this.bytes = bytes ?? Buffer.from(packed.buffer as SharedArrayBuffer);
    this.pool = pool?.column() ?? null;
    this.parsed = type === 'dynamic' && !keepPacked ? new ParsedCells() : null;
    this.cells = keepPacked
      ? new PackedCells(bufferSource(this.bytes), packed.rowCount, type === 'dynamic', this.pool)
      : null;
    this.values = keepPacked ? [] : new Array<Value>(packed.rowCount).fill(null);
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /**
   * Decodes the rest of the column without the pool (a query waits for it), and says from which row, so that its
   * values are pooled between queries instead (`ColumnPool.value`, in place); null when it pools nothing.
   */
  poolLater(): { from: number; pool: ColumnPool } | null {
    if (!this.pool || !this.pooling) return null;
    this.pooling = false;
    return { from: this.filled, pool: this.pool };
  }

  /** Reads the next chunk; true once the whole column is read. */
  step(): boolean {
    if (this.done) return true;
    const bytes = this.bytes;
    const payload = bytes.readUInt32LE(this.offset);
    const kind = bytes.readUInt8(this.offset + 4);
    const start = this.offset + CHUNK_HEADER;
    this.offset = start + payload;
    const known = kind === STRINGS_CHUNK || kind === JSON_CELLS_CHUNK || kind === JSON_CHUNK;
    if (this.offset > bytes.length || !known) {
      throw this.unreadable(start, 'its length or kind is wrong');
    }
    if (kind === JSON_CHUNK) {
      this.readJsonChunk(start, payload);
      return this.done;
    }
    const count = bytes.readUInt32LE(start);
    let at = start + 4 + 4 * count;
    if (count > this.packed.rowCount - this.filled || at > this.offset) {
      throw this.unreadable(start, `it holds ${count} values`);
    }
    const cells = this.cells;
    const parsed = kind === STRINGS_CHUNK ? null : this.parsed;
    const parse = (text: string) => this.parse(text, start) as Value;
    for (let i = 0; i < count; i += 1) {
      const n = bytes.readInt32LE(start + 4 + 4 * i);
      if (n > 0 && at + n > this.offset) throw this.unreadable(start, 'a value runs past its end');
      if (cells) {
        cells.starts[this.filled] = at;
        cells.lengths[this.filled] = n < 0 ? -1 : n;
      } else if (n >= 0) {
        const text = bytes.toString('utf8', at, at + n);
        const value = kind === STRINGS_CHUNK ? text : parsed ? parsed.parse(text, parse) : parse(text);
        // A value parsed before was pooled then.
        const pool = this.pooling && !parsed?.repeated ? this.pool : null;
        this.values[this.filled] = pool ? pool.value(value) : value;
      }
      if (n > 0) at += n;
      this.filled += 1;
    }
    return this.done;
  }

  /** Reads what is left at once. */
  finish(): Value[] {
    while (!this.step());
    return this.values;
  }

  private readJsonChunk(start: number, payload: number): void {
    const chunk = jsonChunk(this.bytes.toString('utf8', start, start + payload), (why) => this.unreadable(start, why));
    const dates = this.type === 'datetime';
    const pool = this.pooling ? this.pool : null;
    for (const v of chunk) {
      let value = (v ?? null) as Value;
      if (dates && typeof v === 'number') value = pool ? pool.date(v) : new Date(v);
      else if (pool) value = pool.value(value);
      if (this.cells) {
        if (value !== null) this.cells.decoded.set(this.filled, value);
      } else {
        this.values[this.filled] = value;
      }
      this.filled += 1;
    }
  }

  private parse(text: string, start: number): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw this.unreadable(start, error instanceof Error ? error.message : String(error));
    }
  }

  private unreadable(start: number, why: string): UnreadableColumnError {
    return new UnreadableColumnError(
      this.packed,
      `chunk at byte ${start - CHUNK_HEADER} of ${this.bytes.length} unreadable (${why})`,
    );
  }
}

/**
 * Reads where the cells of a column kept in its file are, a chunk per `step()` (the chunks' headers and value
 * lengths only), from the descriptor `fd` of its file: `cells` reads them from there. The file's size and the
 * digest in its header must be what the request thread checked.
 */
export class FileColumnReader {
  readonly cells: PackedCells;
  /** The column's values, when it is decoded as it is read (`decodes`); the file is not read again then. */
  readonly values: Value[] = [];
  private readonly chunks: FileChunks;
  private readonly end: number;
  private offset: number;
  private filled = 0;
  private readonly pool: ColumnPool | null;
  /** Whether the values decoded are looked up in the pool (`poolLater`). */
  private pooling = true;
  /** A dynamic column decoded: its cells parsed once per distinct text. */
  private readonly parsed: ParsedCells | null;

  constructor(
    readonly packed: PackedColumn,
    type: Column['type'],
    readonly fd: number,
    size: number,
    readonly decodes = false,
    pool?: StringPool,
  ) {
    const file = packed.file as ColumnFile;
    this.chunks = new FileChunks(fd, packed);
    this.pool = pool?.column() ?? null;
    this.parsed = type === 'dynamic' && decodes ? new ParsedCells() : null;
    this.cells = new PackedCells(this.chunks, packed.rowCount, type === 'dynamic', this.pool);
    this.offset = file.offset;
    this.end = file.offset + file.length;
    const digest = Buffer.alloc(32);
    if (size !== this.end || !readFully(fd, digest, file.digestAt) || digest.toString('hex') !== file.digest) {
      throw new UnreadableColumnError(packed, 'its file changed since it was checked');
    }
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  /** Reads the next chunk's header and lengths; true once every chunk is read. */
  step(): boolean {
    if (this.done) return true;
    const start = this.offset + CHUNK_HEADER;
    const header = this.read(this.offset, CHUNK_HEADER);
    const payload = header.readUInt32LE(0);
    const kind = header.readUInt8(4);
    const next = start + payload;
    if (next > this.end || (kind !== STRINGS_CHUNK && kind !== JSON_CELLS_CHUNK && kind !== JSON_CHUNK)) {
      throw this.unreadable(start, 'its length or kind is wrong');
    }
    const cells = this.cells;
    const first = this.filled;
    if (kind === JSON_CHUNK) {
      // Not text (a column of text with other values in it): decoded now, and kept.
      const chunk = jsonChunk(this.read(start, payload).toString('utf8'), (why) => this.unreadable(start, why));
      for (const v of chunk) {
        if (v !== null && this.filled < cells.lengths.length) cells.decoded.set(this.filled, v);
        this.filled += 1;
      }
    } else {
      const count = payload >= 4 ? this.read(start, 4).readUInt32LE(0) : Number.POSITIVE_INFINITY;
      let at = start + 4 + 4 * count;
      if (count > this.packed.rowCount - this.filled || at > next) {
        throw this.unreadable(start, `it holds ${count} values`);
      }
      const lengths = this.read(start + 4, 4 * count);
      const chunk = this.chunks.addChunk(start, next);
      for (let i = 0; i < count; i += 1) {
        const n = lengths.readInt32LE(4 * i);
        if (n > 0 && at + n > next) throw this.unreadable(start, 'a value runs past its end');
        cells.starts[this.filled] = at;
        cells.lengths[this.filled] = n < 0 ? -1 : n;
        this.chunks.rowChunk[this.filled] = chunk;
        if (n > 0) at += n;
        this.filled += 1;
      }
    }
    // Decoded: each cell of the chunk read once (the chunk is read from the file once, then from memory).
    if (this.decodes) {
      const pool = this.pooling ? this.pool : null;
      const parsed = this.parsed;
      for (let i = first; i < this.filled; i += 1) {
        if (parsed) parsed.repeated = false;
        const value = cells.at(i, parsed ?? undefined);
        // A value parsed before was pooled then.
        this.values[i] = pool && !parsed?.repeated ? pool.value(value) : value;
      }
    }
    this.offset = next;
    return this.done;
  }

  finish(): void {
    while (!this.step());
  }

  /**
   * Decodes the rest of the column without the pool (a query waits for it), and says from which row, so that its
   * values are pooled between queries instead (`ColumnPool.value`, in place); null when it pools nothing.
   */
  poolLater(): { from: number; pool: ColumnPool } | null {
    if (!this.pool || !this.pooling) return null;
    this.pooling = false;
    return { from: this.filled, pool: this.pool };
  }

  private read(position: number, length: number): Buffer {
    try {
      return this.chunks.read(position, length);
    } catch (error) {
      throw this.unreadable(position, error instanceof Error ? error.message : String(error));
    }
  }

  private unreadable(start: number, why: string): UnreadableColumnError {
    return new UnreadableColumnError(
      this.packed,
      `chunk at byte ${start - CHUNK_HEADER} of its file unreadable (${why})`,
    );
  }
}

/** Reads a whole packed column back, from its buffer or its file (tests; the query thread reads with ColumnReader). */
export function unpackColumn(packed: PackedColumn, type: Column['type']): Value[] {
  const file = packed.file;
  if (packed.buffer || !file) return new ColumnReader(packed, type).finish();
  const bytes = readFileSync(file.path).subarray(file.offset, file.offset + file.length);
  return new ColumnReader(packed, type, false, bytes).finish();
}

/**
 * Rows from columns: one object per row with the given columns in the table's order (the same shape the rows had
 * when built, so the engine reads them as fast); a column not given is absent (read as null). Each row is made by
 * one generated object literal (row-makers.ts): given its properties one by one, an object of about 20 becomes a
 * dictionary (AIAgentsInfo has 28 columns), and every read of every query then hashes the column's name. A column
 * kept packed is read through its row's prototype, a cell at a time (`packed`).
 */
export function rowsFromColumns(
  schema: Column[],
  rowCount: number,
  columns: Map<string, Value[]>,
  packed: Map<string, PackedCells> = new Map(),
): Row[] {
  const present = schema.filter((c) => columns.has(c.name) && !packed.has(c.name));
  const cells = schema.filter((c) => packed.has(c.name));
  const makeRow = rowOfColumns(
    present.map((c) => c.name),
    present.map((c) => columns.get(c.name) as Value[]),
    cells.map((c) => {
      const column = packed.get(c.name) as PackedCells;
      return {
        name: c.name,
        at: (i: number) => column.at(i),
        path: (i: number, key: string, parse: boolean, read: (parsed: Value) => Value) =>
          column.path(i, key, parse, read),
      };
    }),
  );
  const rows = new Array<Row>(rowCount);
  for (let i = 0; i < rowCount; i += 1) rows[i] = makeRow(i);
  return rows;
}
