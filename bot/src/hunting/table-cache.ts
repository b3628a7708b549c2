// The agent tables' packed columns kept on disk, so that a restart does not build 100,000 agents' rows again before
// its first hunt (issue 14): one directory per version of the agent part under DATA_DIR/hunting-tables, named by
// that version, the token the database keeps for it (store/hunting-versions.ts) and a hash of the code that makes
// and packs the rows; one file per column, holding the column's shared buffer as the query threads read it. A file
// is written under a temporary name and renamed once complete; once a version is complete, only its directory is kept.
import { createHash, webcrypto } from 'node:crypto';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnFile, PackedColumn } from './query-worker/packed-tables.js';

/**
 * "AWPC", the format, the row count, the payload's length and the payload's digest: 48 bytes before the column's
 * buffer. A byte changed on disk inside a text value would read back as another value: the digest refuses it. The
 * digest is the SHA-256 of the SHA-256s of the payload's IO_SLICE slices, each made in libuv's thread pool.
 */
const MAGIC = 0x43505741;
const FORMAT = 2;
const DIGEST = 32;
const DIGEST_AT = 16;
const HEADER = DIGEST_AT + DIGEST;
/** Bytes per read or write call (a column of RawAgentInfo is hundreds of MB). */
const IO_SLICE = 8 * 1024 * 1024;

/**
 * The code whose output the files hold: the rows (hunting-tables) and their packed form (packed-tables). A new
 * release that changes either never reads an older release's files.
 */
function codeHash(): string {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const hash = createHash('sha256').update(String(FORMAT));
  for (const file of [`hunting-tables${ext}`, path.join('query-worker', `packed-tables${ext}`)]) {
    hash.update(readFileSync(path.join(path.dirname(here), file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * The SHA-256 of one slice, made in libuv's thread pool (SubtleCrypto): the request thread only copies the slice.
 * Hashed there a slice at a time, the 759 MB of a 100,000-agent version kept its event loop busy for about half a
 * second per build and per restart, and other requests waited behind the slices.
 */
const sliceDigest = async (bytes: Buffer): Promise<Buffer> =>
  Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes));

/**
 * Slice buffers to read and write through, reused: a buffer of its own per slice made 1.3 GB of short-lived
 * ArrayBuffers at each restart at 100,000 agents, and their external memory made V8 collect the request thread's
 * heap every 100 ms while they were read (about 1 s of its time). SubtleCrypto copies what it hashes before its
 * call returns, so a slice can be refilled as soon as the digest is asked for and its write is done.
 */
const spareSlices: Buffer[] = [];
const MAX_SPARE_SLICES = 2;

/** Runs `use` with a slice buffer of its own (two columns read at once never share one), then keeps it for reuse. */
async function withSlice<T>(use: (slice: Buffer) => Promise<T>): Promise<T> {
  const slice = spareSlices.pop() ?? Buffer.allocUnsafeSlow(IO_SLICE);
  try {
    return await use(slice);
  } finally {
    if (spareSlices.length < MAX_SPARE_SLICES) spareSlices.push(slice);
  }
}

/** The digest a file records: the SHA-256 of its slices' SHA-256s, in order. */
const rootDigest = (slices: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(slices)).digest();

/** The file, beside a version's columns, saying when that version was read from the store. */
const OPENED_AT = 'opened-at';

const fileName = (table: string, column: string) => `${table}.${Buffer.from(column, 'utf8').toString('hex')}.col`;

/** Where a column's chunks are in its file, and the digest its header holds (what the query threads check). */
const columnFile = (file: string, length: number, digest: Buffer): ColumnFile => ({
  path: file,
  offset: HEADER,
  length,
  digest: digest.toString('hex'),
  digestAt: DIGEST_AT,
});

/** Fills `bytes` from `position`; false when the file ends first. */
async function readAll(handle: fs.FileHandle, bytes: Buffer, position: number): Promise<boolean> {
  for (let got = 0; got < bytes.length;) {
    const { bytesRead } = await handle.read(bytes, got, bytes.length - got, position + got);
    if (bytesRead === 0) return false;
    got += bytesRead;
  }
  return true;
}

/** Writes all of `bytes` at `position`. */
async function writeAll(handle: fs.FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

export class PackedColumnFiles {
  private readonly code = codeHash();
  /** The version whose directory alone was last kept (`keepOnly`). */
  private kept: string | null = null;

  constructor(private readonly dir: string) {}

  /** The directory name of one version of a part. */
  key(part: string, version: number, token: string): string {
    return `${part}-${version}-${token.replace(/[^0-9a-z-]/gi, '')}-${this.code}`;
  }

  /** Whether every one of the columns is on disk under `key`. */
  async hasAll(key: string, columns: { table: string; column: string }[]): Promise<boolean> {
    let names: Set<string>;
    try {
      names = new Set(await fs.readdir(path.join(this.dir, key)));
    } catch {
      return false;
    }
    return columns.every((c) => names.has(fileName(c.table, c.column)));
  }

  /** The row count a column's file records (its table's). */
  async rowCount(key: string, table: string, column: string): Promise<number> {
    const handle = await fs.open(path.join(this.dir, key, fileName(table, column)), 'r');
    try {
      const header = Buffer.alloc(HEADER);
      await handle.read(header, 0, HEADER, 0);
      return this.checkHeader(header, table, column).rowCount;
    } finally {
      await handle.close();
    }
  }

  /**
   * One column read back under the given table version: into a shared buffer, or, when `inFile` says so of its
   * length, checked and left in its file (the query threads read its cells from there: packed-tables.ts ColumnFile).
   */
  async read(
    key: string,
    table: string,
    column: string,
    version: number,
    inFile: (length: number) => boolean = () => false,
  ): Promise<PackedColumn> {
    const file = path.join(this.dir, key, fileName(table, column));
    const handle = await fs.open(file, 'r');
    try {
      const header = Buffer.alloc(HEADER);
      await handle.read(header, 0, HEADER, 0);
      const { rowCount, length, digest } = this.checkHeader(header, table, column);
      const { size } = await handle.stat();
      if (size !== HEADER + length) throw new Error(`hunting column file ${table}.${column} is ${size} bytes`);
      const kept = inFile(length);
      const buffer = kept ? null : new SharedArrayBuffer(length);
      const view = buffer ? new Uint8Array(buffer) : null;
      const slices: Buffer[] = [];
      // Each slice is read into memory not shared (SubtleCrypto reads no shared memory), hashed, then copied in.
      await withSlice(async (slice) => {
        for (let at = 0; at < length; at += IO_SLICE) {
          const bytes = slice.subarray(0, Math.min(IO_SLICE, length - at));
          if (!(await readAll(handle, bytes, HEADER + at))) {
            throw new Error(`hunting column file ${table}.${column} ended early`);
          }
          const digest = sliceDigest(bytes);
          view?.set(bytes, at);
          slices.push(await digest);
        }
      });
      if (!rootDigest(slices).equals(digest)) {
        throw new Error(`hunting column file ${table}.${column} does not match its digest`);
      }
      if (buffer) return { table, column, version, rowCount, buffer };
      return { table, column, version, rowCount, buffer: null, file: columnFile(file, length, digest) };
    } finally {
      await handle.close();
    }
  }

  /**
   * Removes every directory but `key`'s: called once a version is complete on disk (the previous complete version
   * answers queries until then, and a version left incomplete by a stop is not read).
   */
  async keepOnly(key: string): Promise<void> {
    if (this.kept === key) return;
    this.kept = key;
    for (const other of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (other !== key) await fs.rm(path.join(this.dir, other), { recursive: true, force: true });
    }
  }

  /**
   * Records when the version under `key` was read from the store: what an answer from these files says it is as of
   * (`agentTablesAsOf`) when a restart finds no newer version complete.
   */
  async markOpenedAt(key: string, at: Date): Promise<void> {
    const dir = path.join(this.dir, key);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const target = path.join(dir, OPENED_AT);
    const temporary = `${target}.${process.pid}.tmp`;
    await fs.writeFile(temporary, at.toISOString(), { mode: 0o600 });
    await fs.rename(temporary, target);
  }

  /** When the version under `key` was read (`markOpenedAt`); without that record, when its directory was made. */
  async openedAt(key: string): Promise<Date> {
    const dir = path.join(this.dir, key);
    const recorded = new Date(await fs.readFile(path.join(dir, OPENED_AT), 'utf8').catch(() => ''));
    if (!Number.isNaN(recorded.getTime())) return recorded;
    const { birthtime, mtime } = await fs.stat(dir);
    return birthtime.getTime() > 0 ? birthtime : mtime;
  }

  /** Writes a column under `key` (synced, then renamed into place); where it is, to be read from there. */
  async write(key: string, packed: PackedColumn): Promise<ColumnFile> {
    if (!packed.buffer) throw new Error(`hunting column ${packed.table}.${packed.column} is in a file already`);
    const buffer = packed.buffer;
    const dir = path.join(this.dir, key);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const target = path.join(dir, fileName(packed.table, packed.column));
    const temporary = `${target}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, 'w', 0o600);
    let digest: Buffer;
    try {
      const view = new Uint8Array(buffer);
      const slices: Buffer[] = [];
      // Each slice is copied out of the shared buffer (SubtleCrypto reads no shared memory), then hashed and written.
      await withSlice(async (slice) => {
        for (let at = 0; at < view.length; at += IO_SLICE) {
          const bytes = slice.subarray(0, Math.min(IO_SLICE, view.length - at));
          bytes.set(view.subarray(at, at + bytes.length));
          const [digest] = await Promise.all([sliceDigest(bytes), writeAll(handle, bytes, HEADER + at)]);
          slices.push(digest);
        }
      });
      const header = Buffer.alloc(HEADER);
      header.writeUInt32LE(MAGIC, 0);
      header.writeUInt32LE(FORMAT, 4);
      header.writeUInt32LE(packed.rowCount, 8);
      header.writeUInt32LE(buffer.byteLength, 12);
      digest = rootDigest(slices);
      digest.copy(header, DIGEST_AT);
      await writeAll(handle, header, 0);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await fs.rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    await fs.rename(temporary, target);
    return columnFile(target, buffer.byteLength, digest);
  }

  /** Forgets a version's files (one did not read back). */
  async remove(key: string): Promise<void> {
    await fs.rm(path.join(this.dir, key), { recursive: true, force: true });
  }

  private checkHeader(
    header: Buffer,
    table: string,
    column: string,
  ): { rowCount: number; length: number; digest: Buffer } {
    if (header.readUInt32LE(0) !== MAGIC || header.readUInt32LE(4) !== FORMAT) {
      throw new Error(`hunting column file ${table}.${column} is not in format ${FORMAT}`);
    }
    return {
      rowCount: header.readUInt32LE(8),
      length: header.readUInt32LE(12),
      digest: header.subarray(DIGEST_AT, HEADER),
    };
  }
}
