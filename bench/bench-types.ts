/** One line of `npm run bench`'s table. */
export interface BenchRow {
  /** The area: "api", "webhook", "hunting", "notifier", "tab". */
  area: string;
  /** What was measured, e.g. "GET /api/v1/agents p99 (PGlite, 10,000 agents)". */
  metric: string;
  value: number;
  unit: string;
  /** The goal as text, e.g. "< 50 ms"; empty when there is none. */
  aim: string;
  /** Whether the aim was met; undefined when there is no aim. */
  met?: boolean;
}

/** A bench module exports `run` and returns its rows; bench/run.ts prints them all as one table. */
export type BenchModule = { run(): Promise<BenchRow[]> };
