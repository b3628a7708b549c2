import type { Detection } from '../domain/incident-correlator.js';
import { CORRELATION_WINDOW_MS, correlate } from '../domain/incident-correlator.js';
import type { Alert, Incident, ProtectionEvent } from '../domain/types.js';
import { severityRank } from '../domain/types.js';
import type { Sql } from '../store/db.js';
import { bumpChangeVersion, enqueueOutbox } from '../store/outbox.js';
import type { Store } from '../store/store.js';

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
  newId: () => string;
  onError?: (err: unknown, context: string) => void;
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
  private queue: DecisionRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly stats: DecisionRecorderStats = { pending: 0, written: 0, batches: 0, failed: 0 };

  constructor(
    private readonly store: Store,
    private readonly options: DecisionRecorderOptions,
  ) {}

  record(record: DecisionRecord): void {
    this.queue.push(record);
    if (this.running) return; // the running drain picks it up
    if (this.queue.length >= (this.options.maxBatch ?? 500)) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.options.batchDelayMs ?? 10);
  }

  /** Resolves when every decision recorded before the call is written (or has failed and been reported). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.running) {
      if (!this.running) this.kick();
      await this.running;
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
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, max);
      try {
        await this.write(batch);
        this.stats.written += batch.length;
        this.stats.batches++;
      } catch (err) {
        this.options.onError?.(err, `writing a batch of ${batch.length} decisions; retrying them one by one`);
        // One bad record must not take the batch with it.
        for (const record of batch) {
          try {
            await this.write([record]);
            this.stats.written++;
            this.stats.batches++;
          } catch (e) {
            this.stats.failed++;
            this.options.onError?.(e, `decision ${record.event.id} could not be stored`);
          }
        }
      }
    }
  }

  private async write(batch: DecisionRecord[]): Promise<void> {
    if (batch.every((r) => r.detections.length === 0)) {
      // The common case, ordinary calls only: one statement (atomic on its own), no transaction round trips.
      await this.store.db.query(
        `with saved as (
           insert into events (id, occurred_at, user_id, agent_id, tool_id, decision, data)
           select r->>'id', (r->>'occurredAt')::timestamptz, r->>'userId', r->>'agentId', r->>'toolId', r->>'decision', r
           from jsonb_array_elements($1::jsonb) r on conflict (id) do nothing returning 1)
         select nextval('change_seq'), (select count(*) from saved) as n`,
        [JSON.stringify(batch.map((r) => r.event))],
      );
      return;
    }
    await this.store.db.transaction(async (tx) => {
      await this.store.incidents.saveEvents(
        batch.map((r) => r.event),
        tx,
      );
      const touched = new Map<string, Incident>();
      for (const detection of batch.flatMap((r) => r.detections)) {
        const result = await this.correlateOne(tx, detection);
        if (result.changed) touched.set(result.incident.id, result.incident);
      }
      let announced = false;
      for (const incident of touched.values()) {
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
  }

  private async correlateOne(
    tx: Sql,
    detection: RecordedDetection,
  ): Promise<{ incident: Incident; changed: boolean; alert: Alert }> {
    const incidents = this.store.incidents;
    const { eventIds, ...d } = detection;
    const openAlert = await incidents.openAlertByDedupKey(tx, d.dedupKey);
    let openIncident: Incident | null = null;
    if (openAlert?.incidentId) {
      const own = await incidents.getIncidentForUpdate(tx, openAlert.incidentId);
      if (own && own.status !== 'resolved') openIncident = own;
    }
    if (!openIncident) {
      const userId = d.evidence.find((e) => e.type === 'user')?.userId ?? null;
      const agentId = d.evidence.find((e) => e.type === 'agent')?.agentId ?? null;
      const since = new Date(Date.parse(d.at) - CORRELATION_WINDOW_MS).toISOString();
      openIncident = await incidents.openIncidentFor(tx, userId, agentId, since);
    }
    const incidentAlerts = openIncident ? await incidents.alertsOfIncident(openIncident.id, tx) : [];
    const result = correlate({
      detection: d,
      // An alert whose incident was resolved starts over in a new incident.
      openAlert: openAlert && (!openAlert.incidentId || openIncident?.id === openAlert.incidentId) ? openAlert : null,
      openIncident,
      incidentAlerts,
      newId: this.options.newId,
    });
    // The incident first: the alert row refers to it.
    await incidents.saveIncidents([result.incident], tx);
    await incidents.saveAlerts([result.alert], tx);
    if (eventIds.length > 0) {
      // Only events that exist: an earlier batch that failed must not fail this one on the foreign key.
      await tx.query(
        `insert into alert_events (alert_id, event_id)
         select $1, e.id from events e where e.id = any($2::text[]) on conflict do nothing`,
        [result.alert.id, eventIds],
      );
    }
    return { incident: result.incident, alert: result.alert, changed: result.incidentChanged };
  }
}
