import { collectGarbage } from '../worker-thread.js';
import { DomainError, InvalidInputError, UpstreamError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';
import { HuntRateLimitedError, HuntingAccess } from './hunting-access.js';
import type { QueryLimits } from './query-worker/query-pool.js';
import { DEFAULT_QUERY_LIMITS, QueryPool, QueryTimeoutError } from './query-worker/query-pool.js';
import type { Column } from './kql/values.js';
import type { HuntingTableSource, HuntingTablesAt } from './hunting-tables.js';
import type { PackedColumn, PackedTable } from './query-worker/packed-tables.js';
import { IN_FILE_MIN_BYTES } from './query-worker/packed-tables.js';
import type { HuntingPart, HuntingTableName } from './hunting-tables.js';
import {
  HUNTING_PARTS,
  HUNTING_SCHEMAS,
  HuntingTablesMovedError,
  graphHuntingSchema,
  huntingCatalog,
} from './hunting-tables.js';
import type { ColumnsRead } from './query-columns.js';
import { allColumns, columnsRead } from './query-columns.js';
import type { HuntingTemplate } from './templates.js';
import { HUNTING_TEMPLATES } from './templates.js';

/** Defender's hunting API returns at most 100,000 rows; so do we. */
export const MAX_ROW_LIMIT = 100_000;
export const DEFAULT_ROW_LIMIT = 10_000;
const MAX_QUERY_LENGTH = 20_000;
const QUERY_CACHE_SIZE = 64;
/** How often the tables are brought up to date in the background (a version check when nothing changed). */
const PREPARE_EVERY_MS = 2000;
/** The part (and so the version) each table belongs to. */
const PART_OF = new Map<string, HuntingPart>(
  (Object.entries(HUNTING_PARTS) as [HuntingPart, HuntingTableName[]][]).flatMap(([part, names]) =>
    names.map((name) => [name, part] as const),
  ),
);
const EVERY_COLUMN = allColumns(huntingCatalog);

/** 400: Microsoft Graph refused the query (TENANT=graph); its message says why. */
export class RemoteQueryError extends DomainError {
  constructor(message: string) {
    super('invalid_query', `Microsoft Graph refused the query: ${message}`, 400, 'query', [
      { path: 'body.query', message },
    ]);
  }
}

/**
 * Runs the query text elsewhere: TENANT=graph sends it to Microsoft Graph's `security/runHuntingQuery`
 * (tenant/graph/graph-hunting.ts). A refusal is an UpstreamError carrying Graph's status (and Retry-After).
 */
export interface RemoteHunting {
  run(query: string): Promise<{ schema: Column[]; results: Record<string, unknown>[] }>;
}

export type HuntingRunInput = { templateId: string; query?: undefined } | { query: string; templateId?: undefined };

/** The answer of a run: Graph runHuntingQuery's `{schema, results}` plus how many rows there were. */
export interface HuntingRunResult {
  templateId: string | null;
  schema: Column[];
  results: Record<string, unknown>[];
  /** Rows the query produced before the row limit. */
  rowCount: number;
  truncated: boolean;
  stats: {
    elapsedMs: number;
    dataVersion: number;
    tableRows: Record<string, number>;
    /** Set when the agent tables were an earlier version's, the current one being made: when that version was read. */
    agentTablesAsOf?: string;
  };
}

export type HuntingTemplateSummary = HuntingTemplate & { name: string; description: string };

/**
 * Runs templates and ad-hoc KQL over the embedded tenant's hunting tables. A query is parsed here (a syntax
 * error answers 400 at once) and runs in a query thread under the limits of `QueryLimits`.
 */
export class HuntingService {
  /** Ad-hoc queries that parsed and compiled, most recent last (not checked again), with the columns they read. */
  private readonly checked = new Map<string, ColumnsRead>();
  /** The columns each template reads. */
  private readonly templateColumns = new Map<string, ColumnsRead>();
  private readonly pool: QueryPool;
  private readonly limits: QueryLimits;
  /** Packed bytes from which a column read from disk is left in its file (packed-tables.ts holdsPacked). */
  private readonly inFileFrom: number;
  private readonly access: HuntingAccess;
  /**
   * The current tables' columns in their packed form, each packed once per version of its table for every query
   * thread, when a query first reads it or by the background preparation.
   */
  private readonly packed = new Map<string, { version: number; columns: Map<string, Promise<PackedColumn>> }>();
  private preparation: Promise<void> | null = null;
  private preparer: NodeJS.Timeout | null = null;
  /** Lets go of the threads and packed tables once nobody has hunted for `idleReleaseMs`. */
  private releaser: NodeJS.Timeout | null = null;
  private running = 0;
  private prepareEveryMs = PREPARE_EVERY_MS;
  private closed = false;

  constructor(
    private readonly tables: HuntingTableSource,
    private readonly clock: () => Date,
    private readonly templates: HuntingTemplate[] = HUNTING_TEMPLATES,
    limits: Partial<QueryLimits> = {},
    /** TENANT=graph: where queries run instead of the embedded tables. */
    private readonly remote: RemoteHunting | null = null,
  ) {
    // Templates are ours: compile them at start, so a broken one stops the server, not a hunt.
    for (const t of templates) this.templateColumns.set(t.id, columnsRead(t.query, huntingCatalog));
    this.limits = { ...DEFAULT_QUERY_LIMITS, ...limits };
    // The request thread holds no large column of text or dynamic values read from disk: its threads read the file.
    const { packedCellsMinBytes, packedDynamicMinBytes } = this.limits;
    this.inFileFrom = Math.min(IN_FILE_MIN_BYTES, packedCellsMinBytes, packedDynamicMinBytes);
    // A column that did not read back in a thread is packed again for the next query (that thread is ended), and
    // not from what it was packed from (a file on disk, say).
    this.pool = new QueryPool(this.limits, (table, version) => {
      this.packed.delete(table);
      this.tables.unreadable?.(table as HuntingTableName, version);
    });
    this.access = new HuntingAccess(clock);
  }

  /** Starts a query thread ahead of the first hunt. */
  warm(prepareEveryMs: number = PREPARE_EVERY_MS): void {
    if (this.remote) return;
    this.pool.warm();
    this.prepareEveryMs = prepareEveryMs;
  }

  /** Refuses a person without a role (403) or past 45 runs in the last minute (429); counts this run. */
  admit(principal: Principal): void {
    this.access.admit(principal);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.preparer) clearInterval(this.preparer);
    this.preparer = null;
    if (this.releaser) clearTimeout(this.releaser);
    this.releaser = null;
    await this.pool.close();
    await this.tables.close?.();
  }

  listTemplates(): HuntingTemplateSummary[] {
    return this.templates.map((t) => ({ ...t, name: t.title, description: t.finds }));
  }

  template(id: string): HuntingTemplate | undefined {
    return this.templates.find((t) => t.id === id);
  }

  /** The schema shaped like Graph's security/getHuntingSchema (huntingSchemaResult). */
  graphSchema(): ReturnType<typeof graphHuntingSchema> {
    return graphHuntingSchema();
  }

  /** The tables and their columns, for the editor's help. */
  schema(): Record<string, Column[]> {
    return HUNTING_SCHEMAS;
  }

  async run(input: HuntingRunInput, rowLimit: number = DEFAULT_ROW_LIMIT): Promise<HuntingRunResult> {
    const limit = Math.max(1, Math.min(MAX_ROW_LIMIT, Math.floor(rowLimit)));
    if (this.remote) return this.runRemote(input, limit);
    this.running += 1;
    try {
      return await this.runHere(input, limit);
    } finally {
      this.running -= 1;
      this.releaseWhenIdle();
    }
  }

  private async runHere(input: HuntingRunInput, limit: number): Promise<HuntingRunResult> {
    this.keepPrepared();
    const text = input.templateId !== undefined ? this.templateText(input.templateId) : this.compile(input.query);
    const reads =
      input.templateId !== undefined ? this.templateColumns.get(input.templateId) : this.checked.get(input.query);
    let tables = await this.tables.at();
    let packed: PackedTable[];
    try {
      packed = await this.pack(tables, reads ?? EVERY_COLUMN);
    } catch (error) {
      // Tables whose file on disk did not read back are made again, once.
      if (!(error instanceof HuntingTablesMovedError)) throw error;
      tables = await this.tables.at();
      packed = await this.pack(tables, reads ?? EVERY_COLUMN);
    }
    // A KQL error raised while it ran is thrown as is: 400 with its place, or 422 for a row cap (KqlLimitError).
    const result = await this.pool.run(packed, text, limit, this.clock());
    return {
      templateId: input.templateId ?? null,
      schema: result.schema,
      results: result.results,
      rowCount: result.rowCount,
      truncated: result.rowCount > limit,
      stats: {
        elapsedMs: result.elapsedMs,
        dataVersion: tables.version,
        // The tables the query read (the others are not made for it).
        tableRows: Object.fromEntries(packed.map((t) => [t.table, t.rowCount])),
        ...(tables.agentTablesAsOf && packed.some((t) => PART_OF.get(t.table) === 'agents')
          ? { agentTablesAsOf: tables.agentTablesAsOf.toISOString() }
          : {}),
      },
    };
  }

  /**
   * TENANT=graph: the same text goes to Microsoft Graph (Defender's tables, not ours: it is not compiled here), and
   * the answer takes the embedded shape. Graph's 400 is a 400 `invalid_query`, its 429 a 429 with its Retry-After,
   * no answer in time a 408; anything else stays a 502 naming Graph's status and code.
   */
  private async runRemote(input: HuntingRunInput, limit: number): Promise<HuntingRunResult> {
    const remote = this.remote as RemoteHunting;
    let text: string;
    if (input.templateId !== undefined) {
      text = this.templateText(input.templateId);
    } else {
      if (input.query.length > MAX_QUERY_LENGTH) {
        throw new InvalidInputError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, 'query');
      }
      text = input.query;
    }
    const started = performance.now();
    let answer;
    try {
      answer = await remote.run(text);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      if (error.upstreamStatus === 400) throw new RemoteQueryError(error.upstreamMessage);
      if (error.upstreamStatus === 429) {
        throw new HuntRateLimitedError(
          Math.max(1, Math.ceil(error.retryAfterSeconds ?? 60)),
          `Microsoft Graph's hunting quota is used up (${error.upstreamMessage})`,
        );
      }
      if (error.upstreamCode === 'timeout' || error.upstreamStatus === 408 || error.upstreamStatus === 504) {
        throw new QueryTimeoutError(this.limits.timeoutMs);
      }
      throw error;
    }
    return {
      templateId: input.templateId ?? null,
      schema: answer.schema,
      results: answer.results.slice(0, limit),
      rowCount: answer.results.length,
      truncated: answer.results.length > limit,
      stats: { elapsedMs: Math.round((performance.now() - started) * 10) / 10, dataVersion: 0, tableRows: {} },
    };
  }

  /**
   * Once someone hunts, the tables are kept up to date in the background. Not from start: at 100,000 agents a
   * build at start slowed the other requests of a just-started server (scale bench, PGlite: agent list p99 9.5 s).
   */
  private keepPrepared(): void {
    if (this.preparer || this.closed) return;
    this.preparer = setInterval(() => void this.prepare(), this.prepareEveryMs);
    this.preparer.unref();
  }

  /** (Re)starts the idle clock: past it with nothing running, the threads end and the packed tables go. */
  private releaseWhenIdle(): void {
    if (this.closed) return;
    if (this.releaser) clearTimeout(this.releaser);
    this.releaser = setTimeout(() => this.release(), this.limits.idleReleaseMs);
    this.releaser.unref();
  }

  private release(): void {
    this.releaser = null;
    if (this.running > 0 || this.preparation || !this.pool.release()) {
      this.releaseWhenIdle();
      return;
    }
    if (this.preparer) clearInterval(this.preparer);
    this.preparer = null;
    // Disk-backed columns are read again from their files, the others packed again from their rows.
    this.packed.clear();
    // The packed tables' shared buffers just let go are returned to the system now: an idle server allocates too
    // little for V8 to collect its old generation on its own (1 GB of them stayed resident for as long as measured).
    collectGarbage();
  }

  /** Whether the query threads and packed tables are let go (tests). */
  get released(): boolean {
    return this.packed.size === 0 && this.preparer === null;
  }

  /** One column of the current tables in its packed form, packed once per version of its table. */
  private packedColumn(tables: HuntingTablesAt, table: HuntingTableName, column: string): Promise<PackedColumn> {
    const version = tables.parts[PART_OF.get(table) as HuntingPart];
    let cached = this.packed.get(table);
    if (cached?.version !== version) {
      cached = { version, columns: new Map() };
      this.packed.set(table, cached);
    }
    const columns = cached.columns;
    const found = columns.get(column);
    if (found) return found;
    const schema = (HUNTING_SCHEMAS[table] ?? []).find((c) => c.name === column);
    const packing = schema
      ? tables.column(table, schema, this.inFileFrom)
      : Promise.reject(new Error(`no column ${column} in hunting table ${table}`));
    columns.set(column, packing);
    // A failed packing is tried again by the next run.
    packing.catch(() => {
      if (columns.get(column) === packing) columns.delete(column);
    });
    return packing;
  }

  /** The tables a query reads with the columns it reads, packed (those already packed are not packed again). */
  private async pack(tables: HuntingTablesAt, reads: ColumnsRead): Promise<PackedTable[]> {
    return Promise.all(
      [...reads].map(async ([name, columns]) => {
        const table = name as HuntingTableName;
        const packed = await Promise.all(columns.map((c) => this.packedColumn(tables, table, c)));
        return {
          table,
          version: tables.parts[PART_OF.get(table) as HuntingPart],
          rowCount: packed[0]?.rowCount ?? (await tables.rowCount(table)),
          columns: packed,
        };
      }),
    );
  }

  /** Every column of the tables, packed one after another (a query meanwhile packs what it reads beside). */
  private async packEverything(tables: HuntingTablesAt): Promise<PackedTable[]> {
    const out: PackedTable[] = [];
    for (const [name, columns] of EVERY_COLUMN) {
      const table = name as HuntingTableName;
      const packed: PackedColumn[] = [];
      for (const c of columns) packed.push(await this.packedColumn(tables, table, c));
      out.push({
        table,
        version: tables.parts[PART_OF.get(table) as HuntingPart],
        rowCount: packed[0]?.rowCount ?? (await tables.rowCount(table)),
        columns: packed,
      });
    }
    return out;
  }

  /**
   * Builds and packs the current tables and hands them to the idle query threads, off any request: every few
   * seconds once someone hunts (only what changed is rebuilt), so the first query after a change finds them
   * ready, or nearly. Failures are left for the next query to report.
   */
  private prepare(): Promise<void> {
    if (this.remote) return Promise.resolve();
    this.preparation ??= (async () => {
      try {
        this.pool.preload(await this.packEverything(await this.tables.at()));
      } catch {
        // The next query builds the tables itself and answers the error.
      }
    })().finally(() => {
      this.preparation = null;
    });
    return this.preparation;
  }

  /**
   * Resolves once the current tables are packed and every query thread has read all their columns: what a query
   * finds once the background preparation is through (benchmarks and tests wait for it).
   */
  async prepared(): Promise<void> {
    if (this.remote) return;
    await this.tables.settled?.();
    while (this.preparation) await this.preparation;
    await this.prepare();
    await this.pool.settled();
  }

  private templateText(id: string): string {
    const template = this.templates.find((t) => t.id === id);
    if (!template) {
      throw new InvalidInputError(
        `unknown hunting template '${id}' (known: ${this.templates.map((t) => t.id).join(', ')})`,
        'templateId',
      );
    }
    return template.query;
  }

  /** Parses and checks an ad-hoc query (400 with the place if wrong); the query thread runs its text. */
  private compile(query: string): string {
    if (query.length > MAX_QUERY_LENGTH) {
      throw new InvalidInputError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, 'query');
    }
    if (this.checked.has(query)) return query;
    const reads = columnsRead(query, huntingCatalog); // a KqlError is answered 400 with its place
    if (this.checked.size >= QUERY_CACHE_SIZE) this.checked.delete(this.checked.keys().next().value as string);
    this.checked.set(query, reads);
    return query;
  }
}
