import { DomainError, InvalidInputError, UpstreamError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';
import { compileKql } from './kql/engine.js';
import { HuntRateLimitedError, HuntingAccess } from './hunting-access.js';
import type { QueryLimits } from './query-worker/query-pool.js';
import { DEFAULT_QUERY_LIMITS, QueryPool, QueryTimeoutError } from './query-worker/query-pool.js';
import type { Column } from './kql/values.js';
import type { HuntingTableSet, HuntingTableSource } from './hunting-tables.js';
import type { PackedTables } from './query-worker/packed-tables.js';
import { packTables } from './query-worker/packed-tables.js';
import type { HuntingPart, HuntingTableName } from './hunting-tables.js';
import { HUNTING_PARTS, HUNTING_SCHEMAS, graphHuntingSchema, huntingCatalog } from './hunting-tables.js';
import type { HuntingTemplate } from './templates.js';
import { HUNTING_TEMPLATES } from './templates.js';

/** Defender's hunting API returns at most 100,000 rows; so do we. */
export const MAX_ROW_LIMIT = 100_000;
export const DEFAULT_ROW_LIMIT = 10_000;
const MAX_QUERY_LENGTH = 20_000;
const QUERY_CACHE_SIZE = 64;
/** How often the tables are brought up to date in the background (a version check when nothing changed). */
const PREPARE_EVERY_MS = 2000;
const TABLE_NAMES = Object.keys(HUNTING_SCHEMAS) as HuntingTableName[];

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
  stats: { elapsedMs: number; dataVersion: number; tableRows: Record<string, number> };
}

export type HuntingTemplateSummary = HuntingTemplate & { name: string; description: string };

/**
 * Runs templates and ad-hoc KQL over the embedded tenant's hunting tables. A query is parsed here (a syntax
 * error answers 400 at once) and runs in a query thread under the limits of `QueryLimits`.
 */
export class HuntingService {
  /** Ad-hoc queries that parsed and compiled, most recent last (not checked again). */
  private readonly checked = new Set<string>();
  private readonly pool: QueryPool;
  private readonly limits: QueryLimits;
  private readonly access: HuntingAccess;
  /** The current tables in their packed form, packed once per store version for every query thread. */
  private readonly packed = new Map<HuntingPart, { version: number; tables: Promise<PackedTables> }>();
  private preparing = false;
  private preparer: NodeJS.Timeout | null = null;
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
    for (const t of templates) compileKql(t.query, huntingCatalog);
    this.limits = { ...DEFAULT_QUERY_LIMITS, ...limits };
    this.pool = new QueryPool(this.limits);
    this.access = new HuntingAccess(clock);
  }

  /** Starts the query threads ahead of the first hunt. */
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
    await this.pool.close();
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
    this.keepPrepared();
    const text = input.templateId !== undefined ? this.templateText(input.templateId) : this.compile(input.query);
    const tables = await this.tables.current();
    // A KQL error raised while it ran is thrown as is: 400 with its place, or 422 for a row cap (KqlLimitError).
    const result = await this.pool.run(await this.pack(tables), text, limit, this.clock());
    return {
      templateId: input.templateId ?? null,
      schema: result.schema,
      results: result.results,
      rowCount: result.rowCount,
      truncated: result.rowCount > limit,
      stats: {
        elapsedMs: result.elapsedMs,
        dataVersion: tables.version,
        tableRows: Object.fromEntries(TABLE_NAMES.map((name) => [name, tables[name].length])),
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

  /** Each part of the tables in its packed form, packed once per version of that part for every query thread. */
  private pack(tables: HuntingTableSet): Promise<PackedTables[]> {
    return Promise.all(
      (Object.keys(HUNTING_PARTS) as HuntingPart[]).map((part) => {
        const version = tables.parts[part];
        const cached = this.packed.get(part);
        if (cached?.version === version) return cached.tables;
        const rows = Object.fromEntries(HUNTING_PARTS[part].map((name) => [name, tables[name]]));
        const packing = packTables(rows, HUNTING_SCHEMAS, version, part);
        this.packed.set(part, { version, tables: packing });
        // A failed packing is tried again by the next run.
        packing.catch(() => {
          if (this.packed.get(part)?.tables === packing) this.packed.delete(part);
        });
        return packing;
      }),
    );
  }

  /**
   * Builds and packs the current tables and hands them to the idle query threads, off any request: every few
   * seconds once someone hunts (only what changed is rebuilt), so the first query after a change finds them
   * ready, or nearly. Failures are left for the next query to report.
   */
  private async prepare(): Promise<void> {
    if (this.preparing || this.remote) return;
    this.preparing = true;
    try {
      this.pool.preload(await this.pack(await this.tables.current()));
    } catch {
      // The next query builds the tables itself and answers the error.
    } finally {
      this.preparing = false;
    }
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
    compileKql(query, huntingCatalog); // a KqlError is answered 400 with its place
    if (this.checked.size >= QUERY_CACHE_SIZE) this.checked.delete(this.checked.values().next().value as string);
    this.checked.add(query);
    return query;
  }
}
