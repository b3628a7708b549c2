import { UpstreamError } from '../../domain/errors.js';
import type { GraphConnection } from './graph-client.js';

// TENANT=graph: a hunting query goes, as written, to Microsoft Graph's `POST /security/runHuntingQuery`
// (body `{"Query": "..."}`; answer a huntingQueryResults: `schema` [{name, type}] and `results`), which runs it over
// Defender's advanced hunting. The hunting service gives the answer the same shape as an embedded run.

/** A column as the hunting API answers it (the type names of bot/src/hunting/kql/values.ts). */
export interface RemoteColumn {
  name: string;
  type: 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';
}

interface HuntingQueryResults {
  schema?: { name: string; type: string }[];
  results?: Record<string, unknown>[];
}

/** Graph's singlePropertySchema types (.NET names) as the hunting API's column types. */
const TYPES: Record<string, RemoteColumn['type']> = {
  string: 'string',
  guid: 'string',
  datetime: 'datetime',
  int32: 'long',
  int64: 'long',
  int: 'long',
  long: 'long',
  double: 'real',
  single: 'real',
  decimal: 'real',
  real: 'real',
  boolean: 'bool',
  bool: 'bool',
  sbyte: 'bool',
  timespan: 'timespan',
};

const typeOf = (graphType: string): RemoteColumn['type'] =>
  TYPES[graphType.replace(/^System\./i, '').toLowerCase()] ?? 'dynamic';

export class GraphHunting {
  constructor(
    private readonly graph: GraphConnection,
    /** How long to wait for Graph's answer (Graph itself allows a query up to 200 s). */
    private readonly timeoutMs: number,
  ) {}

  /** Runs `query` in Defender's advanced hunting; Graph's refusals leave as UpstreamError with its status. */
  async run(query: string): Promise<{ schema: RemoteColumn[]; results: Record<string, unknown>[] }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new UpstreamError('Microsoft Graph', 0, 'timeout', `no answer to runHuntingQuery in ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([
        this.graph.post<HuntingQueryResults>('/security/runHuntingQuery', { Query: query }),
        timeout,
      ]);
      return {
        schema: (answer.schema ?? []).map((c) => ({ name: c.name, type: typeOf(c.type) })),
        results: answer.results ?? [],
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
