import { afterEach, describe, expect, it } from 'vitest';
import type { RefreshAllOptions } from '../../bot/src/inventory/risk-refresher.js';
import {
  RISK_SWEEP_META_KEY,
  RiskSweep,
  riskRulesRevision,
  type RiskSweepRecord,
} from '../../bot/src/inventory/risk-sweep.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const HOUR = 3_600_000;

/** The store's `meta` as the sweep uses it: a key-value table. */
function memoryMeta(initial?: RiskSweepRecord) {
  const values = new Map<string, unknown>(initial ? [[RISK_SWEEP_META_KEY, initial]] : []);
  return {
    values,
    get: <T>(key: string) => Promise.resolve((values.get(key) as T | undefined) ?? null),
    set: (key: string, value: unknown) => Promise.resolve(void values.set(key, value)),
  };
}

/** A refreshAll that counts its calls and, like the real one, stops between batches once aborted. */
function countingRefresh(batches = 1, batchMs = 0) {
  const calls: RefreshAllOptions[] = [];
  const refreshAll = async (options: RefreshAllOptions) => {
    calls.push(options);
    let done = 0;
    for (let i = 0; i < batches && !options.signal?.aborted; i++) {
      await options.beforeBatch?.(0);
      if (options.signal?.aborted) break;
      await new Promise((r) => setTimeout(r, batchMs));
      done += 100;
    }
    return done;
  };
  return { calls, refreshAll };
}

const sweeps: RiskSweep[] = [];
afterEach(async () => {
  await Promise.all(sweeps.splice(0).map((s) => s.stop()));
});

function sweepWith(
  o: Partial<ConstructorParameters<typeof RiskSweep>[0]> &
    Pick<ConstructorParameters<typeof RiskSweep>[0], 'refreshAll' | 'meta'>,
) {
  const sweep = new RiskSweep({
    clock: () => NOW,
    intervalMs: 6 * HOUR,
    revision: () => Promise.resolve('rules-a'),
    ...o,
  });
  sweeps.push(sweep);
  return sweep;
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('risk sweep: reassess every agent on a schedule, and at start only when due', () => {
  it('sweeps at once when no sweep was ever recorded, then records its rules and start', async () => {
    const meta = memoryMeta();
    const { calls, refreshAll } = countingRefresh();
    expect(await sweepWith({ refreshAll, meta }).start()).toBe(0);
    await until(() => meta.values.has(RISK_SWEEP_META_KEY));
    expect(calls).toHaveLength(1);
    expect(meta.values.get(RISK_SWEEP_META_KEY)).toEqual({ revision: 'rules-a', startedAt: NOW.toISOString() });
  });

  it('does not sweep at a restart when the last sweep is recent and made by the same rules', async () => {
    const meta = memoryMeta({ revision: 'rules-a', startedAt: new Date(NOW.getTime() - 2 * HOUR).toISOString() });
    const { calls, refreshAll } = countingRefresh();
    expect(await sweepWith({ refreshAll, meta }).start()).toBe(4 * HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['other rules made the last sweep', { revision: 'rules-b', startedAt: NOW.toISOString() }],
    ['the last sweep is older than the interval', { revision: 'rules-a', startedAt: '2026-11-30T09:00:00.000Z' }],
    [
      'the last sweep is dated in the future (a clock set back)',
      { revision: 'rules-a', startedAt: '2026-12-02T09:00:00.000Z' },
    ],
    ['the record is unreadable', { revision: 'rules-a', startedAt: 'yesterday' }],
  ])('sweeps at once when %s', async (_, record) => {
    const meta = memoryMeta(record);
    const { calls, refreshAll } = countingRefresh();
    expect(await sweepWith({ refreshAll, meta }).start()).toBe(0);
    await until(() => calls.length === 1);
  });

  it('sweeps again every interval while the server runs', async () => {
    const meta = memoryMeta();
    const { calls, refreshAll } = countingRefresh();
    await sweepWith({ refreshAll, meta, intervalMs: 30 }).start();
    await until(() => calls.length >= 3);
  });

  it('a sweep stopped half-way is not recorded, and stop() waits for its batch', async () => {
    const meta = memoryMeta();
    const { calls, refreshAll } = countingRefresh(1000, 2);
    const sweep = sweepWith({ refreshAll, meta });
    await sweep.start();
    await until(() => calls.length === 1);
    await sweep.stop();
    expect(meta.values.has(RISK_SWEEP_META_KEY)).toBe(false);
  });

  it('passes its own signal to the pause between batches, so stop() ends a pause at once', async () => {
    const meta = memoryMeta();
    const { refreshAll } = countingRefresh(5);
    let seen: AbortSignal | null = null;
    const sweep = sweepWith({
      refreshAll,
      meta,
      beforeBatch: (_ms, signal) => {
        seen = signal;
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    });
    await sweep.start();
    await until(() => seen !== null);
    const stopping = performance.now();
    await sweep.stop();
    expect(seen!.aborted).toBe(true);
    expect(meta.values.has(RISK_SWEEP_META_KEY)).toBe(false);
    expect(performance.now() - stopping).toBeLessThan(5000);
  });

  it('tries a failed sweep again instead of giving up until the next interval', async () => {
    const meta = memoryMeta();
    let calls = 0;
    const sweep = sweepWith({
      meta,
      intervalMs: 40,
      refreshAll: () => (++calls === 1 ? Promise.reject(new Error('store unreachable')) : Promise.resolve(10)),
    });
    await sweep.start();
    await until(() => meta.values.has(RISK_SWEEP_META_KEY));
    expect(calls).toBe(2);
  });

  it("identifies the rules by risk.ts's content, the same from the sources and from the build", async () => {
    const revision = await riskRulesRevision();
    expect(revision).toMatch(/^[0-9a-f]{16}$/);
    expect(await riskRulesRevision()).toBe(revision);
  });
});

describe('risk sweep in the running server', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('an agent that falls dormant while the server runs shows it after the next sweep, without a restart', async () => {
    let now = new Date();
    // A sweep every 3.6 s (the least RISK_SWEEP_HOURS allows).
    server = await startTestServer('pglite', { RISK_SWEEP_HOURS: '0.001' }, { clock: () => now });
    const megan = server.as('megan@zava.example');
    const list = await megan.get<{ items: { id: string; publishStatus: string }[] }>('/api/v1/agents?limit=200');
    type Detail = {
      agent: { lastActivityAt: string | null };
      risk: { signals: { id: string; evidence: string[] }[] };
    };
    const detailOf = async (id: string) => (await megan.get<Detail>(`/api/v1/agents/${id}`)).body;
    const isDormant = (d: Detail) => d.risk.signals.some((s) => s.id === 'dormant' && s.evidence.length > 0);
    let active: { id: string; lastActivityAt: string } | null = null;
    for (const a of list.body.items.filter((i) => i.publishStatus === 'published')) {
      const detail = await detailOf(a.id);
      if (detail.agent.lastActivityAt && !isDormant(detail)) {
        active = { id: a.id, lastActivityAt: detail.agent.lastActivityAt };
        break;
      }
    }
    expect(active).not.toBeNull();
    // Forty days after its last activity: nothing about the agent changes, only the clock.
    now = new Date(Date.parse(active!.lastActivityAt) + 40 * 86_400_000);
    const deadline = Date.now() + 20_000;
    let dormant: { id: string; evidence: string[] } | undefined;
    while (!dormant && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      dormant = (await detailOf(active!.id)).risk.signals.find((s) => s.id === 'dormant' && s.evidence.length > 0);
    }
    expect(dormant?.evidence).toEqual(['no activity for 40 days']);
  }, 30_000);
});
