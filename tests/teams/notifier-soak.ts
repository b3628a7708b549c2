// The notifier soak: the real server (bot/src/index.ts) in a child process on PostgreSQL, a SOC channel whose
// Bot Connector (the fake, over HTTP) refuses a share of posts, replies and updates with 429/503 and
// Retry-After, many high incidents arriving (and, later, new alerts on some), and the server killed (SIGKILL)
// at random moments while it posts, then restarted. What it reports is judged by the test: every incident
// has exactly one card (a copy posted again after a crash says "Posted again"), every new alert its reply.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Alert } from '../../bot/src/domain/types.js';
import type { Db } from '../../bot/src/store/db.js';
import { enqueueOutbox } from '../../bot/src/store/outbox.js';
import { createStore } from '../../bot/src/store/store.js';
import { mulberry32 } from '../../bot/src/tenant/embedded/tenant-seed.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import type { TestDatabase } from '../support/test-db.js';
import { createTestDatabase } from '../support/test-db.js';
import { expireNotifierLeases } from './notifier-world.js';

export const SOAK_CHANNEL = '19:zava-soc-general@thread.tacv2';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface SoakOptions {
  incidents: number;
  /** Incidents that get one more alert after the first kill. */
  newAlerts: number;
  kills: number;
  /** 0..1: the share of connector writes refused. */
  refusedShare: number;
  seed: number;
  /** Gives up waiting for the cards after this long (after the last restart). */
  settleMs: number;
}

export interface SoakIncident {
  id: string;
  alertIds: string[];
  /** Alerts added after the card could have been posted: each needs a reply in the card's thread. */
  lateAlertIds: string[];
}

export interface SoakResult {
  connector: FakeBotConnector;
  db: Db;
  incidents: SoakIncident[];
  kills: number;
  /**
   * Incidents whose card was being posted when a kill landed (card_posts in 'sending'): whether that post reached
   * Teams is unknown, so their next copy says "Posted again" even when it is the first that Teams shows.
   */
  interrupted: Set<string>;
  refused: { status: number; count: number }[];
  ms: number;
  close(): Promise<void>;
}

export async function runNotifierSoak(o: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const random = mulberry32(o.seed);
  const database: TestDatabase = await createTestDatabase('postgres');
  const connector = new FakeBotConnector({
    chaos: { share: o.refusedShare, statuses: [429, 503], retryAfterSeconds: 1, random: mulberry32(o.seed + 1) },
  });
  const serviceUrl = await connector.start();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-soak-'));
  const port = await freePort();
  let db: Db | null = null;
  let server: ChildProcess | null = null;
  const close = async () => {
    if (server && server.exitCode === null) await stopServer(server, 'SIGKILL');
    await connector.stop();
    await db?.close().catch(() => undefined);
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startServer(port, database.url!, dataDir);
    db = await database.open();
    const store = createStore(db);
    await registerChannel(db, serviceUrl);
    const incidents = await addIncidents(db, o.incidents);

    let kills = 0;
    const interrupted = new Set<string>();
    for (let k = 0; k < o.kills; k++) {
      // Somewhere in the first seconds of work: posting, retrying after a refusal, or recording.
      await sleep(200 + Math.floor(random() * 1800));
      await stopServer(server, 'SIGKILL');
      kills++;
      const sending = await db.query<{ subject_id: string }>(
        `select subject_id from card_posts where state = 'sending'`,
      );
      for (const r of sending) interrupted.add(r.subject_id);
      if (k === 0) await addLateAlerts(db, store, incidents.slice(0, o.newAlerts));
      // The dead instance's leases run out (their length is not what is under test here).
      await expireNotifierLeases(db);
      server = await startServer(port, database.url!, dataDir);
    }
    if (o.kills === 0) await addLateAlerts(db, store, incidents.slice(0, o.newAlerts));
    await until(() => settled(db!, incidents), o.settleMs);
    await stopServer(server, 'SIGTERM');
    const refused = [429, 503].map((status) => ({
      status,
      count: connector.requests.filter((r) => r.status === status).length,
    }));
    return { connector, db, incidents, kills, interrupted, refused, ms: Date.now() - started, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The channel as the bot registers it on installation, with the fake connector as its service. */
async function registerChannel(db: Db, serviceUrl: string): Promise<void> {
  await createStore(db).channels.upsertChannel({
    conversationId: SOAK_CHANNEL,
    conversationType: 'channel',
    tenantId: null,
    teamId: '19:zava-security-operations@thread.tacv2',
    teamName: 'Zava Security Operations',
    channelName: 'General',
    serviceUrl,
    reference: {
      channelId: 'msteams',
      serviceUrl,
      bot: { id: '28:agent-warden', name: 'Agent Warden' },
      conversation: { id: SOAK_CHANNEL, isGroup: true, conversationType: 'channel', name: '' },
    },
    registeredBy: null,
    registeredAt: new Date().toISOString(),
  });
}

/**
 * High incidents shaped like the seeded ones (one copied per incident, new ids), stored with their alert and
 * announced in the same transaction, as the protection pipeline stores them.
 */
async function addIncidents(db: Db, count: number): Promise<SoakIncident[]> {
  const store = createStore(db);
  const [template] = await db.query<{ id: string }>(
    `select id from incidents where severity_rank >= 3 order by id limit 1`,
  );
  if (!template) throw new Error('the seeded tenant has no high incident to copy');
  const incident = (await store.incidents.getIncident(template.id))!;
  const alert = (await store.incidents.alertsOfIncident(template.id))[0]!;
  const made: SoakIncident[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `soak-inc-${String(i).padStart(3, '0')}`;
    const first = soakAlert(alert, id, 1);
    await db.transaction(async (tx) => {
      await store.incidents.saveIncidents(
        [{ ...incident, id, title: `Soak incident ${id}`, severity: 'high', status: 'active', alertCount: 1 }],
        tx,
      );
      await store.incidents.saveAlerts([first], tx);
      await enqueueOutbox(tx, 'incident.changed', id);
    });
    made.push({ id, alertIds: [first.id], lateAlertIds: [] });
  }
  return made;
}

async function addLateAlerts(db: Db, store: ReturnType<typeof createStore>, incidents: SoakIncident[]) {
  for (const soak of incidents) {
    const [existing] = await store.incidents.alertsOfIncident(soak.id);
    const next = soakAlert(existing!, soak.id, soak.alertIds.length + 1);
    await db.transaction(async (tx) => {
      const incident = (await store.incidents.getIncidentForUpdate(tx, soak.id))!;
      await store.incidents.saveAlerts([next], tx);
      await store.incidents.saveIncidents([{ ...incident, alertCount: incident.alertCount + 1 }], tx);
      await enqueueOutbox(tx, 'incident.changed', soak.id);
    });
    soak.alertIds.push(next.id);
    soak.lateAlertIds.push(next.id);
  }
}

function soakAlert(template: Alert, incidentId: string, n: number): Alert {
  const id = `${incidentId}-alert-${n}`;
  return { ...template, id, incidentId, title: `Soak alert ${n} of ${incidentId}`, dedupKey: id, status: 'new' };
}

/** Every soak incident's card is posted and has announced all its alerts, and the outbox is empty. */
async function settled(db: Db, incidents: SoakIncident[]): Promise<boolean> {
  const [{ open }] = (await db.query<{ open: number }>(
    'select count(*)::int as open from outbox where done_at is null',
  )) as [{ open: number }];
  if (open > 0) return false;
  const rows = await db.query<{ subject_id: string; state: string; announced: number; in_flight: boolean }>(
    `select subject_id, state, cardinality(announced_alert_ids) as announced, reply_in_flight is not null as in_flight
     from card_posts where subject_type = 'incident' and conversation_id = $1`,
    [SOAK_CHANNEL],
  );
  const byId = new Map(rows.map((r) => [r.subject_id, r]));
  return incidents.every((i) => {
    const row = byId.get(i.id);
    return row?.state === 'posted' && !row.in_flight && Number(row.announced) >= i.alertIds.length;
  });
}

async function startServer(port: number, databaseUrl: string, dataDir: string): Promise<ChildProcess> {
  // Node itself runs the server (tsx as a loader), so SIGKILL reaches the process that posts.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bot/src/index.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      TENANT: 'embedded',
      AUTH: 'dev',
      PLAYGROUND: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${stderr}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (Date.now() > deadline) {
      await stopServer(child, 'SIGKILL');
      throw new Error(`the server did not start within 90 s: ${stderr}`);
    }
    await sleep(100);
  }
}

async function stopServer(child: ChildProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function until(probe: () => Promise<boolean>, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`the cards did not settle within ${limitMs} ms`);
    await sleep(200);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
