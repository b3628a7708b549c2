import type { Detection } from '../domain/incident-correlator.js';
import { CORRELATION_WINDOW_MS, correlate } from '../domain/incident-correlator.js';
import type { Alert, Incident, ProtectionEvent } from '../domain/types.js';
import { severityRank } from '../domain/types.js';
import type { Sql } from '../store/db.js';
import { bumpChangeVersion, enqueueOutbox } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import { ProtectionEventRepository } from '../store/protection-repository.js';
import { storable } from './storable.js';

/** A detection to store as an alert, and the events it links to the alert's timeline. */
export interface RecordedDetection extends Detection {
  eventIds: string[];
}

/** One webhook decision: its event, and the alerts it raises or grows. */
export interface DecisionRecord {
  event: ProtectionEvent;
  detections: RecordedDetection[];
}

export interface DecisionRecorderOptions {
  /** A batch is written this long after its first decision arrived... */
  batchDelayMs?: number;
  /** ...or as soon as it holds this many decisions. */
  maxBatch?: number;
  /**
   * Batches of ordinary calls only (no alerts: one INSERT, atomic on its own) written at once at
   * most; default 1. PostgreSQL has a pool and commits concurrent transactions together, so several
   * let one batch's commit overlap the next; batches with alerts are always written one at a time.
   */
  parallelBatches?: number;
  newId: () => string;
  onError?: (err: unknown, context: string) => void;
  /** Called once per decision whose event could not be stored at all (after the retries). */
  onLost?: (record: DecisionRecord, err: unknown) => void;
  /**
   * Called after a batch that raised or grew alerts is committed, with the agents those alerts name (their stored
   * risk counts unresolved alerts). It must return at once: it runs on the recorder's path, after the answer.
   */
  onAlertsWritten?: (agentIds: string[]) => void;
}

interface Queued {
  record: DecisionRecord;
  /** Resolves true once the record is committed, false when it could not be stored. */
  done: (stored: boolean) => void;
}

export interface DecisionRecorderStats {
  pending: number;
  written: number;
  batches: number;
  failed: number;
}

const NOTIFY_FROM = severityRank('high');

/**
 * Stores decisions with group commit: the webhook answers without waiting on the database, and the
 * decisions of the last few milliseconds are written in one transaction (events, alerts grown or
 * raised and correlated into incidents, an outbox row for each new or grown high/critical incident,
 * and a change-version bump for the tab). Only one batch is written at a time, so a busy moment makes
 * batches larger rather than transactions more numerous. `flush()` waits until everything queued so
 * far is written; `close()` flushes.
 */
export class DecisionRecorder {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Batches of ordinary calls being written beside the drain (`parallelBatches`). */
  private readonly side = new Set<Promise<void>>();
  private readonly stats: DecisionRecorderStats = { pending: 0, written: 0, batches: 0, failed: 0 };

  private readonly events: ProtectionEventRepository;

  constructor(
    private readonly store: Store,
    private readonly options: DecisionRecorderOptions,
  ) {
    this.events = new ProtectionEventRepository(store.db);
  }

  /**
   * Queues a decision; the promise says when it is committed (true) or could not be stored (false).
   * Text PostgreSQL refuses (NUL, lone surrogates) is made storable first.
   */
  record(record: DecisionRecord): Promise<boolean> {
    return new Promise((done) => {
      this.queue.push({ record: storable(record), done });
      if (this.running) return; // the running drain picks it up
      if (this.queue.length >= (this.options.maxBatch ?? 500)) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.batchDelayMs ?? 20);
    });
  }

  /** Resolves when every decision recorded before the call is written (or has failed and been reported). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.running || this.side.size > 0) {
      if (!this.running && this.queue.length > 0) this.kick();
      await Promise.all([this.running, ...this.side]);
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }

  snapshot(): DecisionRecorderStats {
    return { ...this.stats, pending: this.queue.length };
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    const max = this.options.maxBatch ?? 500;
    const parallel = this.options.parallelBatches ?? 1;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, max);
      if (parallel > 1 && this.side.size < parallel - 1 && batch.every((q) => q.record.detections.length === 0)) {
        // Written beside the drain: decisions arriving meanwhile start the next batch at once.
        const written: Promise<void> = this.writeBatch(batch).finally(() => {
          this.side.delete(written);
          if (this.queue.length > 0) this.kick();
        });
        this.side.add(written);
        continue;
      }
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    try {
      await this.write(batch.map((q) => q.record));
      this.stats.written += batch.length;
      this.stats.batches++;
      for (const q of batch) q.done(true);
    } catch (err) {
      this.options.onError?.(err, `writing a batch of ${batch.length} decisions; retrying them one by one`);
      // One bad record must not take the batch with it.
      for (const q of batch) q.done(await this.writeAlone(q.record));
    }
  }

  /** One record on its own; if its alerts cannot be stored, at least its event is. */
  private async writeAlone(record: DecisionRecord): Promise<boolean> {
    try {
      await this.write([record]);
      this.stats.written++;
      this.stats.batches++;
      return true;
    } catch (err) {
      this.options.onError?.(err, `decision ${record.event.id} could not be stored with its alerts`);
      let last = err;
      if (record.detections.length > 0) {
        try {
          await this.write([{ event: record.event, detections: [] }]);
          this.stats.written++;
          this.stats.batches++;
          return true;
        } catch (e) {
          last = e;
        }
      }
      this.stats.failed++;
      this.options.onError?.(last, `decision ${record.event.id} could not be stored`);
      this.options.onLost?.(record, last);
      return false;
    }
  }

  private async write(batch: DecisionRecord[]): Promise<void> {
    if (batch.every((r) => r.detections.length === 0)) {
      // The common case, ordinary calls only: one statement (atomic on its own), no transaction round trips.
      await this.events.saveDecisionEvents(batch.map((r) => r.event));
      return;
    }
    const agentIds = new Set<string>();
    await this.store.db.transaction(async (tx) => {
      await this.store.incidents.saveEvents(
        batch.map((r) => r.event),
        tx,
      );
      // Detections of one batch are correlated in memory against what they read once, then written
      // once: an attack repeating the same blocked call grows its alert by many events per batch for
      // a handful of statements.
      const state: BatchState = { alerts: new Map(), incidents: new Map(), siblings: new Map(), links: [] };
      const changed = new Set<string>();
      for (const detection of batch.flatMap((r) => r.detections)) {
        const result = await this.correlateOne(tx, detection, state);
        if (result.changed) changed.add(result.incident.id);
      }
      for (const alert of state.alerts.values()) {
        for (const e of alert.evidence) if (e.type === 'agent') agentIds.add(e.agentId);
      }
      // The incidents first: alert rows refer to them.
      await this.store.incidents.saveIncidents([...state.incidents.values()], tx);
      await this.store.incidents.saveAlerts([...state.alerts.values()], tx);
      // Only events that exist: an earlier batch that failed must not fail this one on the foreign key.
      await this.events.linkAlertEvents(state.links, tx);
      await this.store.incidents.recountEvents([...state.incidents.keys()], tx);
      let announced = false;
      for (const id of changed) {
        const incident = state.incidents.get(id)!;
        if (severityRank(incident.severity) < NOTIFY_FROM) continue;
        await enqueueOutbox(tx, 'incident.changed', incident.id, {
          source: 'protection',
          severity: incident.severity,
          alertCount: incident.alertCount,
        });
        announced = true;
      }
      if (!announced) await bumpChangeVersion(tx);
    });
    if (agentIds.size > 0 && this.options.onAlertsWritten) {
      try {
        this.options.onAlertsWritten([...agentIds]);
      } catch (err) {
        // The batch is committed: a listener's fault must not make it look failed (and be written again).
        this.options.onError?.(err, 'telling the risk refresh about new alerts');
      }
    }
  }

  private async correlateOne(
    tx: Sql,
    detection: RecordedDetection,
    state: BatchState,
  ): Promise<{ incident: Incident; changed: boolean; alert: Alert }> {
    const incidents = this.store.incidents;
    const { eventIds, ...d } = detection;
    const openAlert = state.alerts.has(d.dedupKey)
      ? state.alerts.get(d.dedupKey)!
      : await incidents.openAlertByDedupKey(tx, d.dedupKey);
    let openIncident: Incident | null = null;
    if (openAlert?.incidentId) {
      const own =
        state.incidents.get(openAlert.incidentId) ?? (await incidents.getIncidentForUpdate(tx, openAlert.incidentId));
      if (own && own.status !== 'resolved') openIncident = own;
    }
    if (!openIncident) {
      const userId = d.evidence.find((e) => e.type === 'user')?.userId ?? null;
      const agentId = d.evidence.find((e) => e.type === 'agent')?.agentId ?? null;
      const since = new Date(Date.parse(d.at) - CORRELATION_WINDOW_MS).toISOString();
      // An incident this batch opened or grew is not in the table yet: look among those first.
      openIncident =
        [...state.incidents.values()].find(
          (i) =>
            i.status !== 'resolved' &&
            i.lastActivityAt >= since &&
            ((userId !== null && i.entities.users.some((u) => u.userId === userId)) ||
              (agentId !== null && i.entities.agents.some((a) => a.agentId === agentId))),
        ) ?? (await incidents.openIncidentFor(tx, userId, agentId, since));
    }
    const incidentAlerts = openIncident
      ? (state.siblings.get(openIncident.id) ?? (await incidents.alertsOfIncident(openIncident.id, tx)))
      : [];
    const result = correlate({
      detection: d,
      // An alert whose incident was resolved starts over in a new incident.
      openAlert: openAlert && (!openAlert.incidentId || openIncident?.id === openAlert.incidentId) ? openAlert : null,
      openIncident,
      incidentAlerts,
      newId: this.options.newId,
    });
    state.alerts.set(d.dedupKey, result.alert);
    state.incidents.set(result.incident.id, result.incident);
    state.siblings.set(result.incident.id, [...incidentAlerts.filter((a) => a.id !== result.alert.id), result.alert]);
    for (const eventId of eventIds) state.links.push({ alertId: result.alert.id, eventId });
    return { incident: result.incident, alert: result.alert, changed: result.incidentChanged };
  }
}

/** What one batch's correlation has read and changed so far, keyed by dedup key and incident id. */
interface BatchState {
  alerts: Map<string, Alert>;
  incidents: Map<string, Incident>;
  siblings: Map<string, Alert[]>;
  links: { alertId: string; eventId: string }[];
}
