// The notifier from outbox to Teams: the real Notifier over a real store (PGlite, migrated) and botbuilder's
// CloudAdapter, posting to the fake Bot Connector over loopback HTTP; card views come from memory (the
// store-backed reader is measured by the api bench).
//  1. Code throughput: 500 high incidents x 3 channels with every limit lifted: what the code can do.
//  2. The same with Teams' limits on (7/1 s, 8/2 s, 60/30 s, 1800/h per thread; 50/s per app), on a virtual
//     clock that the limiter's sleeps advance, the connector enforcing the same limits with 429s: the drain
//     time against the least time the limits allow. Equal times mean the limiter, not the code, sets the pace.
//  3. Latency from the outbox commit to the card accepted by Teams, 100 incidents arriving just under the
//     sustained per-thread rate (60/30 s), real clock, the notifier polling as in production.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { silentLogger } from '../bot/src/domain/logger.js';
import { openDb } from '../bot/src/store/db.js';
import type { Db } from '../bot/src/store/db.js';
import { migrate } from '../bot/src/store/migrate.js';
import { enqueueOutbox } from '../bot/src/store/outbox.js';
import { createStore } from '../bot/src/store/store.js';
import type { IncidentCardView } from '../bot/src/teams/cards/card-views.js';
import { BotbuilderChannelSender } from '../bot/src/teams/notifier/botbuilder-channel-sender.js';
import { Notifier } from '../bot/src/teams/notifier/notifier.js';
import type { NotifierOptions } from '../bot/src/teams/notifier/notifier.js';
import type { WindowLimit } from '../bot/src/teams/notifier/rate-limiter.js';
import { TEAMS_THREAD_LIMITS } from '../bot/src/teams/notifier/rate-limiter.js';
import { FakeBotConnector } from '../tests/fakes/bot-connector.js';
import { makeIncidentCardView } from '../tests/fakes/teams-card-views.js';
import type { BenchRow } from './bench-types.js';
import { summarize } from './bench-support.js';

const INCIDENTS = 500;
const CHANNELS = ['19:soc-general@thread.tacv2', '19:soc-tier2@thread.tacv2', '19:soc-managers@thread.tacv2'];
const LATENCY_INCIDENTS = 100;
/** Just under 60 per 30 s per thread: the sustained rate Teams allows. */
const LATENCY_GAP_MS = 520;

interface Setup {
  db: Db;
  connector: FakeBotConnector;
  views: Map<string, IncidentCardView>;
  notifier: Notifier;
}

async function setup(
  clock: () => number,
  options: NotifierOptions,
  sleep?: (ms: number) => Promise<void>,
  enforceRateLimits = true,
): Promise<Setup> {
  const db = await openDb({ databaseUrl: null, dataDir: null });
  await migrate(db);
  const connector = new FakeBotConnector({ clock, enforceRateLimits });
  const serviceUrl = await connector.start();
  const store = createStore(db);
  const { channels } = store;
  for (const id of CHANNELS) {
    await channels.upsertChannel({
      conversationId: id,
      conversationType: 'channel',
      tenantId: null,
      teamId: '19:zava-security-operations@thread.tacv2',
      teamName: 'Zava Security Operations',
      channelName: id,
      serviceUrl,
      reference: {
        channelId: 'msteams',
        serviceUrl,
        bot: { id: '28:agent-warden', name: 'Agent Warden' },
        conversation: { id, isGroup: true, conversationType: 'channel', name: '' },
      },
      registeredBy: null,
      registeredAt: new Date().toISOString(),
    });
  }
  const views = new Map<string, IncidentCardView>();
  const notifier = new Notifier({
    store,
    sender: new BotbuilderChannelSender({
      adapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
      botAppId: '',
      clock,
    }),
    incidents: {
      incidentCardView: async (id) => views.get(id) ?? null,
      approvalCardView: async () => null,
    },
    personalChats: null,
    log: { ...silentLogger, error: (fields, message) => console.error(message, fields) },
    clock,
    sleep,
    options,
  });
  return { db, connector, views, notifier };
}

function incidentView(i: number): IncidentCardView {
  const base = makeIncidentCardView();
  const id = `inc-${String(i).padStart(4, '0')}`;
  return { ...base, incident: { ...base.incident, id, title: `Exfiltration through Customer Billing Agent (${id})` } };
}

async function announceAll(s: Setup, n: number): Promise<void> {
  await s.db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) {
      const view = incidentView(i);
      s.views.set(view.incident.id, view);
      await enqueueOutbox(tx, 'incident.changed', view.incident.id);
    }
  });
}

async function teardown(s: Setup): Promise<void> {
  await s.notifier.stop();
  await s.connector.stop();
  await s.db.close();
}

/** The earliest time the n-th write can go under the limits when every write is instant (ms from the first). */
function limitBoundMs(writes: number, limits: readonly WindowLimit[]): number {
  const times: number[] = [];
  let t = 0;
  for (let i = 0; i < writes; i++) {
    for (const { limit, windowMs } of limits) {
      if (times.length >= limit) t = Math.max(t, times[times.length - limit]! + windowMs);
    }
    times.push(t);
  }
  return t;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cards = INCIDENTS * CHANNELS.length;

  // 1. Limits lifted: the code's own pace.
  {
    const lifted = { threadLimits: [], appRatePerSecond: 1e9, concurrency: 8, batchSize: 32 };
    const s = await setup(() => Date.now(), lifted, undefined, false);
    await announceAll(s, INCIDENTS);
    const t0 = performance.now();
    await s.notifier.drain();
    const ms = performance.now() - t0;
    if (s.connector.messages.length !== cards)
      throw new Error(`posted ${s.connector.messages.length} of ${cards} cards`);
    rows.push(
      {
        area: 'notifier',
        metric: `cards/s, outbox to connector, limits lifted (${INCIDENTS} incidents x 3 channels, PGlite)`,
        value: (cards / ms) * 1000,
        unit: 'cards/s',
        aim: '',
      },
      {
        area: 'notifier',
        metric: `backlog drain, limits lifted (${cards} cards)`,
        value: ms / 1000,
        unit: 's',
        aim: '',
      },
    );
    await teardown(s);
  }

  // 2. Teams' limits on, virtual clock.
  {
    let now = Date.UTC(2026, 10, 24, 10, 0, 0);
    const start = now;
    const clock = () => now;
    const sleep = async (ms: number) => {
      const wake = clock() + ms;
      await Promise.resolve();
      now = Math.max(now, wake);
    };
    const s = await setup(clock, { concurrency: 8, batchSize: 32, maxLimiterWaitMs: 1e12 }, sleep);
    await announceAll(s, INCIDENTS);
    const wall0 = performance.now();
    await s.notifier.drain();
    const wallMs = performance.now() - wall0;
    if (s.connector.messages.length !== cards)
      throw new Error(`posted ${s.connector.messages.length} of ${cards} cards`);
    const drainMs = Math.max(...s.connector.messages.map((m) => m.postedAt)) - start;
    const boundMs = limitBoundMs(INCIDENTS, TEAMS_THREAD_LIMITS);
    const throttled = s.connector.requests.filter((r) => r.status === 429).length;
    rows.push(
      {
        area: 'notifier',
        metric: `backlog drain with Teams limits (${cards} cards, virtual clock)`,
        value: drainMs / 1000,
        unit: 's',
        aim: `>= ${(boundMs / 1000).toFixed(0)} s (limits' floor)`,
      },
      {
        area: 'notifier',
        metric: 'cards/s with Teams limits (3 threads)',
        value: (cards / drainMs) * 1000,
        unit: 'cards/s',
        aim: `<= ${((cards / boundMs) * 1000).toFixed(2)} (limits' ceiling)`,
      },
      {
        area: 'notifier',
        metric: "drain time / limits' floor (1.00 = the limiter sets the pace)",
        value: drainMs / boundMs,
        unit: 'x',
        aim: '<= 1.05',
        met: drainMs / boundMs <= 1.05,
      },
      {
        area: 'notifier',
        metric: 'wall time spent on that drain (the code)',
        value: wallMs / 1000,
        unit: 's',
        aim: '',
      },
      {
        area: 'notifier',
        metric: '429s from the connector with the limiter on',
        value: throttled,
        unit: '',
        aim: '0',
        met: throttled === 0,
      },
    );
    await teardown(s);
  }

  // 3. Outbox commit to card accepted, real clock, notifier polling as in production.
  {
    const s = await setup(() => Date.now(), {});
    s.notifier.start();
    const enqueuedAt = new Map<string, number>();
    for (let i = 0; i < LATENCY_INCIDENTS; i++) {
      const view = incidentView(i);
      s.views.set(view.incident.id, view);
      await s.db.transaction((tx) => enqueueOutbox(tx, 'incident.changed', view.incident.id));
      enqueuedAt.set(view.incident.id, Date.now());
      await new Promise((r) => setTimeout(r, LATENCY_GAP_MS));
    }
    const expected = LATENCY_INCIDENTS * CHANNELS.length;
    const deadline = Date.now() + 60_000;
    while (s.connector.messages.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const latencies = s.connector.messages.map((m) => {
      const id = /\((inc-\d+)\)/.exec(JSON.stringify(m.card))![1]!;
      return m.postedAt - enqueuedAt.get(id)!;
    });
    const { p50, p95 } = summarize(latencies);
    rows.push(
      {
        area: 'notifier',
        metric: `outbox commit to card posted p50 (${LATENCY_INCIDENTS} incidents x 3 channels, 1 per ${LATENCY_GAP_MS} ms)`,
        value: p50,
        unit: 'ms',
        aim: '',
      },
      {
        area: 'notifier',
        metric: 'outbox commit to card posted p95',
        value: p95,
        unit: 'ms',
        aim: '< 1000',
        met: p95 < 1000,
      },
    );
    await teardown(s);
  }
  return rows;
}
