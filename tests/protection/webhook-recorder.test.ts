import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProtectionEvent } from '../../bot/src/domain/types.js';
import type { DecisionRecord } from '../../bot/src/protection/decision-recorder.js';
import { DecisionRecorder } from '../../bot/src/protection/decision-recorder.js';
import { dedupKeyOf } from '../../bot/src/protection/detections.js';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import type { Store } from '../../bot/src/store/store.js';
import { createStore } from '../../bot/src/store/store.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/test-db.js';

// The webhook's decision recorder: group commit (many decisions, few transactions), nothing lost on
// close, correlation into incidents, and one bad record does not take its batch with it.

const USER = 'user-1';
const AGENT = 'agent-1';

function record(i: number, opts: { block?: boolean; at?: string } = {}): DecisionRecord {
  const at = opts.at ?? new Date(Date.UTC(2026, 10, 25, 12, 0, i % 60)).toISOString();
  const event: ProtectionEvent = {
    id: randomUUID(),
    occurredAt: at,
    kind: 'toolInvocation',
    userId: USER,
    agentId: AGENT,
    toolId: 'tool-mail',
    toolName: 'Send an email',
    ip: '203.0.113.9',
    decision: opts.block ? 'block' : 'allow',
    rules: opts.block ? ['exfiltration'] : [],
    reasonCode: opts.block ? 1003 : 0,
    latencyMs: 0.4,
    correlationId: `corr-${i}`,
    conversationId: 'conv-1',
    failMode: false,
    summary: 'Send an email',
  };
  return {
    event,
    detections: opts.block
      ? [
          {
            detectorId: 'exfiltration',
            title: 'E-mail to an outside destination during a jailbreak attempt',
            description: 'to x@outside.example',
            category: 'Collection',
            severity: 'high',
            mitreTechniques: ['T1048'],
            recommendedActions: 'Revoke the sessions.',
            evidence: [
              { type: 'user', userId: USER, upn: 'u1@zava.example', displayName: 'User One' },
              { type: 'agent', agentId: AGENT, agentName: 'Agent One', platform: 'copilotStudio' },
              { type: 'tool', toolId: 'tool-mail', toolName: 'Send an email', agentId: AGENT },
              { type: 'ip', address: '203.0.113.9' },
            ],
            dedupKey: dedupKeyOf('exfiltration', USER, AGENT, 'tool-mail'),
            at,
            eventIds: [event.id],
          },
        ]
      : [],
  };
}

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`decision recorder (${backend.name})`, () => {
    let database: TestDatabase;
    let db: Db;
    let store: Store;
    const errors: string[] = [];
    beforeAll(async () => {
      database = await createTestDatabase(backend.name);
      db = await database.open();
      await migrate(db);
      store = createStore(db);
    }, 120_000);
    beforeEach(async () => {
      await db.query('truncate alert_events, alerts, incidents, events, outbox');
      errors.length = 0;
    });
    afterAll(async () => {
      await db?.close();
      await database?.drop();
    });

    const recorder = () =>
      new DecisionRecorder(store, { newId: randomUUID, maxBatch: 200, onError: (_e, context) => errors.push(context) });
    const count = async (table: string) =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

    it('writes many decisions in a few transactions, and close() loses none', async () => {
      const r = recorder();
      for (let i = 0; i < 450; i++) r.record(record(i));
      await r.close();
      expect(await count('events')).toBe(450);
      const stats = r.snapshot();
      expect(stats).toMatchObject({ written: 450, failed: 0, pending: 0 });
      expect(stats.batches).toBeLessThanOrEqual(3);
    });

    it('grows one alert for repeated identical blocks and announces the high incident once per batch', async () => {
      const r = recorder();
      for (let i = 0; i < 5; i++) r.record(record(i, { block: true }));
      await r.flush();
      const alerts = await db.query<{ data: { eventCount: number; incidentId: string } }>('select data from alerts');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.data.eventCount).toBe(5);
      expect(await count('incidents')).toBe(1);
      expect(await count('alert_events')).toBe(5);
      const outbox = await db.query<{ topic: string; subject_id: string }>('select topic, subject_id from outbox');
      expect(outbox).toEqual([{ topic: 'incident.changed', subject_id: alerts[0]!.data.incidentId }]);

      // A later identical block grows the same alert without a new outbox row (nothing a card shows changed
      // but the count); the change version still moves so the tab refreshes.
      const before = (await db.query<{ v: number }>('select last_value::int as v from change_seq'))[0]!.v;
      r.record(record(6, { block: true }));
      await r.flush();
      expect(await count('alerts')).toBe(1);
      expect(await count('outbox')).toBe(1);
      const after = (await db.query<{ v: number }>('select last_value::int as v from change_seq'))[0]!.v;
      expect(after).toBeGreaterThan(before);
    });

    it('joins different alerts about the same user raised in one batch into one incident', async () => {
      const r = recorder();
      const block = record(1, { block: true });
      const other = record(2, { block: true });
      other.detections[0] = {
        ...other.detections[0]!,
        detectorId: 'persistent-jailbreak',
        severity: 'medium',
        dedupKey: 'persistent-jailbreak|user-1|agent-1|-|w1',
      };
      r.record(block);
      r.record(other);
      await r.flush();
      expect(r.snapshot().batches).toBe(1);
      const incidents = await db.query<{ data: { alertCount: number; severity: string } }>(
        'select data from incidents',
      );
      expect(incidents).toHaveLength(1);
      expect(incidents[0]!.data).toMatchObject({ alertCount: 2, severity: 'high' });
      expect(await count('alerts')).toBe(2);
    });

    it('stores the rest of a batch when one record cannot be stored, and reports it', async () => {
      const r = recorder();
      r.record(record(1));
      r.record(record(2, { at: 'not a time' }));
      r.record(record(3));
      await r.flush();
      expect(await count('events')).toBe(2);
      expect(r.snapshot()).toMatchObject({ written: 2, failed: 1 });
      expect(errors.some((e) => e.includes('could not be stored'))).toBe(true);
    });
  });
}
