// The risk sweep: every agent's stored risk reassessed on a schedule, because some signals move with the clock alone
// (`dormant`: a published agent nobody used for 30 days, and how many days) and nothing else would touch those agents.
// The sweep runs every RISK_SWEEP_HOURS while the server runs (a server up for weeks kept the dormant days of its
// start), and at start only when it is due: when the last complete sweep is older than the interval, or was made by
// other risk rules (the file holding `assessAgentRisk` hashes differently: risk.ts changed). A
// restart of the same build on 100,000 agents no longer spends its first half-minute reassessing what it just
// assessed, beside the people opening the tab. A sweep yields to requests between batches (`beforeBatch`).
// Several instances on one database may sweep side by side: each batch locks its rows, so the results are the same.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RISK_RULES_MODULE_URL } from '../domain/risk.js';
import type { RefreshAllOptions } from './risk-refresher.js';

/** Where the last complete sweep is recorded (`meta`). */
export const RISK_SWEEP_META_KEY = 'risk-sweep';

export interface RiskSweepRecord {
  /** Identity of the risk rules that made it (see riskRulesRevision). */
  revision: string;
  /** When the sweep began: every assessment it stored is at least this recent. */
  startedAt: string;
}

export interface RiskSweepOptions {
  refreshAll(options: RefreshAllOptions): Promise<number>;
  meta: {
    get<T>(key: string): Promise<T | null>;
    set(key: string, value: unknown): Promise<void>;
  };
  clock: () => Date;
  intervalMs: number;
  /**
   * Awaited before each batch with the last batch's duration (0 before the first) and the sweep's signal, aborted
   * by stop(): leaves the store to requests in between.
   */
  beforeBatch?: (lastBatchMs: number, signal: AbortSignal) => Promise<void>;
  /** The rules' identity; riskRulesRevision() unless a test says otherwise. */
  revision?: () => Promise<string>;
  log?: { info(fields: object, message: string): void; error(fields: object, message: string): void };
}

/** After a failed sweep (the store unreachable, say), the next try. */
const RETRY_MS = 60_000;

let rulesRevision: Promise<string> | null = null;

/**
 * The risk rules' identity: a hash of `bot/src/domain/risk.ts`, the file that holds them, read from beside the
 * running module (the compiled `bot/dist/domain/risk.js` keeps the source's place, so `npm run seed` under tsx and
 * the built server agree); where no source is shipped, the running module's own file. Conservative: any change to
 * it counts as new rules; a change elsewhere that alters a risk (rare: the signals live there) waits for the next
 * scheduled sweep.
 */
export function riskRulesRevision(): Promise<string> {
  const running = fileURLToPath(RISK_RULES_MODULE_URL);
  const source = path.join(running, '..', '..', '..', 'src', 'domain', 'risk.ts');
  const hash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  rulesRevision ??= readFile(source)
    .catch(() => readFile(running))
    .then(hash, () => `unreadable-${Date.now()}`); // unknown rules: every start sweeps, as before
  return rulesRevision;
}

/** Records a complete reassessment of every agent, begun at `startedAt` with the rules of `revision`. */
export async function recordRiskSweep(
  meta: Pick<RiskSweepOptions['meta'], 'set'>,
  startedAt: Date,
  revision?: string,
): Promise<void> {
  const record: RiskSweepRecord = {
    revision: revision ?? (await riskRulesRevision()),
    startedAt: startedAt.toISOString(),
  };
  await meta.set(RISK_SWEEP_META_KEY, record);
}

export class RiskSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly o: RiskSweepOptions) {}

  /**
   * Schedules the sweeps: the first at once when one is due (see the module's comment), else when the last one
   * is an interval old; then every interval after each one ends. Resolves with the delay of the first, in ms.
   */
  async start(): Promise<number> {
    const delay = await this.firstDelay().catch((err: unknown) => {
      this.o.log?.error({ err }, 'risk sweep: the last sweep could not be read; sweeping now');
      return 0;
    });
    this.schedule(delay);
    return delay;
  }

  /** Stops between batches of a sweep in progress, waits for it, and schedules no more. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One complete sweep now (also what the schedule runs); records it once every agent was reassessed. */
  async sweep(): Promise<number> {
    const startedAt = this.o.clock();
    const { signal } = this.abort;
    const pause = this.o.beforeBatch;
    const agents = await this.o.refreshAll({ signal, beforeBatch: pause && ((ms) => pause(ms, signal)) });
    if (!signal.aborted) await this.record(startedAt);
    return agents;
  }

  /** Records a complete reassessment of every agent that began at `startedAt` (a seed's, say) as a sweep. */
  async record(startedAt: Date): Promise<void> {
    await recordRiskSweep(this.o.meta, startedAt, await this.revision());
  }

  private async firstDelay(): Promise<number> {
    const last = await this.o.meta.get<RiskSweepRecord>(RISK_SWEEP_META_KEY);
    if (!last || last.revision !== (await this.revision())) return 0;
    const age = this.o.clock().getTime() - Date.parse(last.startedAt);
    // A record from the future (a clock set back) or unreadable: sweep now.
    if (!(age >= 0)) return 0;
    return Math.max(0, this.o.intervalMs - age);
  }

  private revision(): Promise<string> {
    return (this.o.revision ?? riskRulesRevision)();
  }

  private schedule(delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      let failed = false;
      this.running = this.sweep()
        .then(
          (agents) => this.o.log?.info({ agents }, 'risk reassessed'),
          (err: unknown) => {
            failed = true;
            this.o.log?.error({ err }, 'risk sweep failed; trying again in a minute');
          },
        )
        .finally(() => {
          this.running = null;
          this.schedule(failed ? Math.min(RETRY_MS, this.o.intervalMs) : this.o.intervalMs);
        });
    }, delayMs);
    // The schedule alone never keeps the process alive.
    this.timer.unref();
  }
}
