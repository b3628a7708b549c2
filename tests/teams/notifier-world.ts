// The notifier's test world: a real store (PGlite or PostgreSQL, migrated), SOC channels registered through
// the store's ChannelRepository (the bot's ChannelStore), the fake Bot Connector over HTTP reached through botbuilder's CloudAdapter,
// card views the test controls, and a virtual clock that the limiter's sleeps advance (no wall-time waits).
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Db } from '../../bot/src/store/db.js';
import { migrate } from '../../bot/src/store/migrate.js';
import { enqueueOutbox } from '../../bot/src/store/outbox.js';
import type { OutboxTopic } from '../../bot/src/store/outbox.js';
import type { ApprovalCardView, IncidentCardView } from '../../bot/src/teams/cards/card-views.js';
import type { Severity } from '../../bot/src/domain/types.js';
import type { ChannelRepository } from '../../bot/src/store/channel-repository.js';
import { createStore } from '../../bot/src/store/store.js';
import { BotbuilderChannelSender } from '../../bot/src/teams/notifier/botbuilder-channel-sender.js';
import type { NotifierDeps, NotifierOptions } from '../../bot/src/teams/notifier/notifier.js';
import { Notifier } from '../../bot/src/teams/notifier/notifier.js';
import { turnErrorHandler } from '../../bot/src/teams/bot-endpoint.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import { makeApprovalCardView, makeIncidentCardView } from '../fakes/teams-card-views.js';
import type { TestDatabase } from '../support/test-db.js';
import { createTestDatabase } from '../support/test-db.js';

export const SOC = '19:soc-general@thread.tacv2';
export const SOC_CRITICAL = '19:soc-critical@thread.tacv2';
export const IT = '19:it-approvals@thread.tacv2';

export interface NotifierWorld {
  db: Db;
  /** Replaced by reset(). */
  connector: FakeBotConnector;
  channels: ChannelRepository;
  incidents: Map<string, IncidentCardView>;
  submissions: Map<string, ApprovalCardView>;
  personalChats: Map<string, string>;
  logs: { level: 'info' | 'warn' | 'error'; message: string; fields: object }[];
  /** Virtual milliseconds. */
  now(): number;
  advance(ms: number): void;
  /** `senderTimeoutMs`: how long botbuilder calls may go unanswered (real time). */
  notifier(options?: NotifierOptions, extra?: Partial<NotifierDeps>, senderTimeoutMs?: number): Notifier;
  registerChannel(
    conversationId: string,
    settings?: { minSeverity?: Severity; receivesApprovals?: boolean },
  ): Promise<void>;
  /** A high incident (or as given) with `alerts` alerts, announced in the outbox. */
  incident(id: string, severity: Severity, alerts?: number): Promise<IncidentCardView>;
  addAlert(incidentId: string, title: string): Promise<void>;
  announce(topic: OutboxTopic, subjectId: string, payload?: Record<string, unknown>): Promise<void>;
  /** Makes every lease look expired, as after a crash and the lease time. */
  expireLeases(): Promise<void>;
  /** Makes every message waiting for a retry due now. */
  makeRetriesDue(): Promise<void>;
  /** A clean slate on the same database: no channels, outbox, cards or notices; a new connector. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function createNotifierWorld(backend: 'pglite' | 'postgres'): Promise<NotifierWorld> {
  const database: TestDatabase = await createTestDatabase(backend);
  const db = await database.open();
  await migrate(db);
  const START = Date.UTC(2026, 10, 24, 10, 0, 0);
  let now = START;
  const clock = () => now;
  let connector = new FakeBotConnector({ clock, enforceRateLimits: true });
  let serviceUrl = await connector.start();
  const logs: NotifierWorld['logs'] = [];
  // The product's adapter: botEndpoint sets this handler, which swallows a turn's error (proactive turns too).
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = turnErrorHandler({
    error: (fields, message) => logs.push({ level: 'error', message, fields }),
  });
  const store = createStore(db, () => new Date(now));
  const { channels } = store;
  const incidents = new Map<string, IncidentCardView>();
  const submissions = new Map<string, ApprovalCardView>();
  const personalChats = new Map<string, string>();
  const notifiers: Notifier[] = [];

  const reference = (conversationId: string, conversationType: 'channel' | 'personal' = 'channel') => ({
    channelId: 'msteams',
    serviceUrl,
    bot: { id: '28:agent-warden', name: 'Agent Warden' },
    conversation: { id: conversationId, isGroup: conversationType !== 'personal', conversationType, name: '' },
  });

  const announce = async (topic: OutboxTopic, subjectId: string, payload: Record<string, unknown> = {}) => {
    await db.transaction((tx) => enqueueOutbox(tx, topic, subjectId, payload));
  };

  const world: NotifierWorld = {
    db,
    get connector() {
      return connector;
    },
    channels,
    incidents,
    submissions,
    personalChats,
    logs,
    now: clock,
    advance: (ms) => (now += ms),
    notifier(options = {}, extra = {}, senderTimeoutMs = 30_000) {
      const n = new Notifier({
        store,
        sender: new BotbuilderChannelSender({ adapter, botAppId: '', clock, timeoutMs: senderTimeoutMs }),
        incidents: {
          incidentCardView: async (id) => structuredClone(incidents.get(id) ?? null),
          approvalCardView: async (id) => structuredClone(submissions.get(id) ?? null),
        },
        personalChats: {
          find: async (userId) => {
            const conversationId = personalChats.get(userId.toLowerCase());
            return conversationId ? { reference: reference(conversationId, 'personal') } : null;
          },
        },
        log: {
          info: (fields, message) => logs.push({ level: 'info', message, fields }),
          warn: (fields, message) => logs.push({ level: 'warn', message, fields }),
          error: (fields, message) => logs.push({ level: 'error', message, fields }),
        },
        clock,
        // Virtual time: a sleep moves the clock to when the sleeper wanted to wake.
        sleep: async (ms) => {
          const wake = clock() + ms;
          await Promise.resolve();
          now = Math.max(now, wake);
        },
        random: () => 0.5,
        options: { pollMs: 10, ...options },
        ...extra,
      });
      notifiers.push(n);
      return n;
    },
    async registerChannel(conversationId, settings = {}) {
      await channels.upsertChannel({
        conversationId,
        conversationType: 'channel',
        tenantId: 'zava-tenant',
        teamId: '19:zava-security-operations@thread.tacv2',
        teamName: 'Zava Security Operations',
        channelName: conversationId,
        serviceUrl,
        reference: reference(conversationId),
        registeredBy: null,
        registeredAt: new Date(now).toISOString(),
      });
      await db.query('update channels set min_severity = $2, receives_approvals = $3 where conversation_id = $1', [
        conversationId,
        settings.minSeverity ?? 'high',
        settings.receivesApprovals ?? true,
      ]);
    },
    async incident(id, severity, alerts = 1) {
      const base = makeIncidentCardView();
      const view: IncidentCardView = {
        ...base,
        incident: {
          ...base.incident,
          id,
          severity,
          title: `Exfiltration through Customer Billing Agent (${id})`,
          alertCount: alerts,
        },
        alerts: Array.from({ length: alerts }, (_, i) => ({ ...base.alerts[0]!, id: `${id}-alert-${i + 1}` })),
      };
      incidents.set(id, view);
      await announce('incident.changed', id);
      return view;
    },
    async addAlert(incidentId, title) {
      const view = incidents.get(incidentId)!;
      const n = view.alerts.length + 1;
      view.alerts.push({ ...view.alerts[0]!, id: `${incidentId}-alert-${n}`, title });
      view.incident.alertCount = n;
      view.incident.eventCount += 1;
      await announce('incident.changed', incidentId);
    },
    announce,
    expireLeases: () => expireNotifierLeases(db),
    async makeRetriesDue() {
      await db.query('update outbox set available_at = now() where done_at is null');
    },
    async reset() {
      await Promise.all(notifiers.splice(0).map((n) => n.stop()));
      await connector.stop();
      await db.query('truncate card_posts, maker_notices, outbox, channels');
      incidents.clear();
      submissions.clear();
      personalChats.clear();
      logs.length = 0;
      now = START;
      connector = new FakeBotConnector({ clock, enforceRateLimits: true });
      serviceUrl = await connector.start();
    },
    async close() {
      await Promise.all(notifiers.map((n) => n.stop()));
      await connector.stop();
      await db.close();
      await database.drop();
    },
  };
  return world;
}

export { makeApprovalCardView };

/** Makes every outbox, card and notice lease look expired, as after a crash and the lease time. */
export async function expireNotifierLeases(db: Db): Promise<void> {
  await db.query("update outbox set claimed_until = now() - interval '1 second' where claimed_until is not null");
  await db.query("update card_posts set lease_until = now() - interval '1 second' where lease_until is not null");
  await db.query("update maker_notices set lease_until = now() - interval '1 second' where lease_until is not null");
}
