/** The one interface the store speaks: PostgreSQL SQL, run by PGlite in-process or by a PostgreSQL server. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Db extends Sql {
  readonly backend: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs `fn` holding a session-level advisory lock (migrations; one instance at a time). */
  withAdvisoryLock<T>(key: number, fn: (session: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl: string | null;
  /** PGlite data directory; null keeps the database in memory (tests). */
  dataDir: string | null;
  /**
   * Run PGlite in a worker thread, off the thread that answers requests. Default: on for a data
   * directory (the server), off in memory (tests); `PGLITE_WORKER=0` or `1` overrides.
   */
  pgliteWorker?: boolean;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres-db.js');
    return openPostgres(options.databaseUrl);
  }
  const env = process.env.PGLITE_WORKER;
  const worker = env === '0' ? false : env === '1' ? true : (options.pgliteWorker ?? options.dataDir !== null);
  if (worker) {
    const { openPgliteWorker } = await import('./pglite-worker-db.js');
    return openPgliteWorker(options.dataDir);
  }
  const { openPglite } = await import('./pglite-db.js');
  return openPglite(options.dataDir);
}
