import { DomainError, InvalidInputError } from '../domain/errors.js';
import type { CompiledQuery, KqlResult } from './kql/engine.js';
import { compileKql } from './kql/engine.js';
import { KqlError } from './kql/kql-error.js';
import type { Column } from './kql/values.js';
import type { HuntingTableSource } from './hunting-tables.js';
import { HUNTING_SCHEMAS, huntingCatalog } from './hunting-tables.js';
import type { HuntingTemplate } from './templates.js';
import { HUNTING_TEMPLATES } from './templates.js';

/** Defender's hunting API returns at most 100,000 rows; so do we. */
export const MAX_ROW_LIMIT = 100_000;
export const DEFAULT_ROW_LIMIT = 10_000;
const MAX_QUERY_LENGTH = 20_000;
const QUERY_CACHE_SIZE = 64;

/** A KQL error as the API answers it: 400 with the line and column it points at. */
export class InvalidQueryError extends DomainError {
  constructor(error: KqlError) {
    super('invalid_query', error.message, 400, 'query', [
      { path: 'body.query', message: error.detail, line: error.line, column: error.column },
    ]);
  }
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

/** Runs templates and ad-hoc KQL over the embedded tenant's hunting tables. */
export class HuntingService {
  private readonly compiledTemplates = new Map<string, CompiledQuery>();
  private readonly adHoc = new Map<string, CompiledQuery>();

  constructor(
    private readonly tables: HuntingTableSource,
    private readonly clock: () => Date,
    private readonly templates: HuntingTemplate[] = HUNTING_TEMPLATES,
  ) {
    // Templates are ours: compile them at start, so a broken one stops the server, not a hunt.
    for (const t of templates) this.compiledTemplates.set(t.id, compileKql(t.query, huntingCatalog));
  }

  listTemplates(): HuntingTemplateSummary[] {
    return this.templates.map((t) => ({ ...t, name: t.title, description: t.finds }));
  }

  template(id: string): HuntingTemplate | undefined {
    return this.templates.find((t) => t.id === id);
  }

  /** The tables and their columns, for the editor's help. */
  schema(): Record<string, Column[]> {
    return HUNTING_SCHEMAS;
  }

  async run(input: HuntingRunInput, rowLimit: number = DEFAULT_ROW_LIMIT): Promise<HuntingRunResult> {
    const limit = Math.max(1, Math.min(MAX_ROW_LIMIT, Math.floor(rowLimit)));
    const compiled = input.templateId !== undefined ? this.templateQuery(input.templateId) : this.compile(input.query);
    const tables = await this.tables.current();
    const started = performance.now();
    let result: KqlResult;
    try {
      result = compiled.run({
        rows: (name) =>
          name === 'AIAgentsInfo' || name === 'AgentsInfo' || name === 'IdentityInfo' ? tables[name] : [],
        now: this.clock(),
      });
    } catch (error) {
      // Run-time limits (a join that explodes) are the query's fault, reported like compile errors.
      if (error instanceof KqlError) throw new InvalidQueryError(error);
      throw error;
    }
    const elapsedMs = Math.round((performance.now() - started) * 10) / 10;
    return {
      templateId: input.templateId ?? null,
      schema: result.schema,
      results: result.rows.length > limit ? result.rows.slice(0, limit) : result.rows,
      rowCount: result.rows.length,
      truncated: result.rows.length > limit,
      stats: {
        elapsedMs,
        dataVersion: tables.version,
        tableRows: {
          AIAgentsInfo: tables.AIAgentsInfo.length,
          AgentsInfo: tables.AgentsInfo.length,
          IdentityInfo: tables.IdentityInfo.length,
        },
      },
    };
  }

  private templateQuery(id: string): CompiledQuery {
    const compiled = this.compiledTemplates.get(id);
    if (!compiled) {
      throw new InvalidInputError(
        `unknown hunting template '${id}' (known: ${[...this.compiledTemplates.keys()].join(', ')})`,
        'templateId',
      );
    }
    return compiled;
  }

  private compile(query: string): CompiledQuery {
    if (query.length > MAX_QUERY_LENGTH) {
      throw new InvalidInputError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, 'query');
    }
    const cached = this.adHoc.get(query);
    if (cached) return cached;
    let compiled: CompiledQuery;
    try {
      compiled = compileKql(query, huntingCatalog);
    } catch (error) {
      if (error instanceof KqlError) throw new InvalidQueryError(error);
      throw error;
    }
    if (this.adHoc.size >= QUERY_CACHE_SIZE) this.adHoc.delete(this.adHoc.keys().next().value as string);
    this.adHoc.set(query, compiled);
    return compiled;
  }
}
