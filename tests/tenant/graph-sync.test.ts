import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-db.js';
import {
  FakeGraph,
  GRAPH_APP,
  GRAPH_TENANT,
  startGraphWarden,
  type FakeAlert,
  type GraphWarden,
} from '../fakes/fake-graph.js';
import { UpstreamError } from '../../bot/src/domain/errors.js';
import { changeVersion } from '../../bot/src/store/outbox.js';

// The Graph poller: pages through packages, incidents and alerts, stores them, moves its lastUpdateDateTime
// cursor, and on the next run asks Graph only for what changed since.

const T1 = '2026-11-20T09:00:00.1234567Z';
const T2 = '2026-11-20T09:05:00Z';
const T3 = '2026-11-20T09:10:00.5Z';
const T4 = '2026-11-20T10:00:00Z';

const agentEvidence = (agentId: string, agentName: string) => ({
  '@odata.type': '#microsoft.graph.security.aiAgentEvidence',
  agentId,
  agentName,
  hostingPlatformType: 'copilotStudio',
});
const userEvidence = {
  '@odata.type': '#microsoft.graph.security.userEvidence',
  userAccount: { azureAdUserId: 'u-griffin', userPrincipalName: 'Griffin@Zava.example', displayName: 'Griffin Hayes' },
};

const alert = (id: string, incidentId: string, severity: string, at: string, evidence: object[]): FakeAlert => ({
  id,
  incidentId,
  status: 'new',
  severity,
  title: `alert ${id}`,
  category: 'Exfiltration',
  serviceSource: 'microsoftDefenderForCloudApps',
  detectorId: 'exfiltration',
  createdDateTime: at,
  lastUpdateDateTime: at,
  firstActivityDateTime: at,
  lastActivityDateTime: at,
  evidence: evidence as Record<string, unknown>[],
});

function seed(fake: FakeGraph) {
  for (let i = 1; i <= 5; i++) {
    fake.packages.set(`pkg-${i}`, {
      id: `pkg-${i}`,
      displayName: `Agent ${i}`,
      type: 'custom',
      isBlocked: i === 5,
      platform: 'copilotStudio',
      version: `1.${i}.0`,
      appId: `teams-app-${i}`,
      manifestId: `manifest-${i}`,
    });
  }
  fake.users.set('u-griffin', {
    id: 'u-griffin',
    userPrincipalName: 'Griffin@Zava.example',
    displayName: 'Griffin Hayes',
    department: 'Sales',
    accountEnabled: true,
  });
  fake.incidents.set('inc-high', {
    id: 'inc-high',
    displayName: 'Exfiltration via Agent 1',
    severity: 'high',
    status: 'active',
    createdDateTime: T1,
    lastUpdateDateTime: T2,
  });
  fake.incidents.set('inc-med', {
    id: 'inc-med',
    displayName: 'Odd prompts to Agent 2',
    severity: 'medium',
    status: 'active',
    createdDateTime: T3,
    lastUpdateDateTime: T3,
  });
  fake.alerts.set('a1', alert('a1', 'inc-high', 'high', T1, [agentEvidence('pkg-1', 'Agent 1'), userEvidence]));
  fake.alerts.set('a2', alert('a2', 'inc-high', 'medium', T2, [agentEvidence('pkg-1', 'Agent 1')]));
  fake.alerts.set('a3', alert('a3', 'inc-med', 'unknownFutureValue', T3, [agentEvidence('pkg-2', 'Agent 2')]));
}

describe.each(BACKENDS.filter((b) => b.enabled))('graph sync ($name)', ({ name }) => {
  let fake: FakeGraph;
  let w: GraphWarden;

  beforeAll(async () => {
    fake = await new FakeGraph({ tenantId: GRAPH_TENANT, ...GRAPH_APP, pageSize: 2 }).start();
    seed(fake);
    w = await startGraphWarden(name, fake);
  });
  afterAll(async () => {
    await w?.server.close();
    await fake?.stop();
  });

  const store = () => w.server.warden.store;
  const sync = () => w.server.warden.graphSync!.syncOnce();
  const outbox = async () =>
    (
      await store().db.query<{ topic: string; subject_id: string }>('select topic, subject_id from outbox order by seq')
    ).map((r) => `${r.topic} ${r.subject_id}`);

  it('pages through packages, incidents and alerts and stores them', async () => {
    const result = await sync();
    expect(result).toMatchObject({ agents: 5, incidents: 2, alerts: 3, users: 1 });

    const packageCalls = fake.calls('GET', '/v1.0/copilot/admin/catalog/packages');
    expect(packageCalls.map((c) => c.query.get('$skip'))).toEqual([null, '2', '4']);
    expect(await store().agents.count()).toBe(5);
    expect(await store().agents.get('pkg-1')).toMatchObject({
      name: 'Agent 1',
      version: '1.1.0',
      platform: 'copilotStudio',
      lifecycle: 'active',
    });
    expect(await store().agents.get('pkg-5')).toMatchObject({ lifecycle: 'blocked', blockedBy: 'Microsoft Graph' });

    const alertCalls = fake.calls('GET', '/v1.0/security/alerts_v2');
    expect(alertCalls).toHaveLength(2);
    expect(alertCalls[0]!.query.get('$filter')).toBeNull();
    expect(alertCalls.every((c) => c.headers.prefer === 'include-unknown-enum-members')).toBe(true);
    const incidentCalls = fake.calls('GET', '/v1.0/security/incidents');
    expect(incidentCalls[0]!.query.get('$expand')).toBe('alerts');
    expect(incidentCalls.every((c) => c.headers.prefer === 'include-unknown-enum-members')).toBe(true);

    expect(await store().incidents.getIncident('inc-high')).toMatchObject({
      title: 'Exfiltration via Agent 1',
      severity: 'high',
      status: 'active',
      alertCount: 2,
      entities: { users: [{ userId: 'u-griffin', upn: 'griffin@zava.example' }], agents: [{ agentId: 'pkg-1' }] },
    });
    expect((await store().incidents.alertsOfIncident('inc-high')).map((a) => a.id).sort()).toEqual(['a1', 'a2']);
    // A severity Graph added later reads as informational rather than failing the sync.
    expect((await store().incidents.alertsOfIncident('inc-med'))[0]).toMatchObject({ severity: 'informational' });
    expect(await store().users.get('u-griffin')).toMatchObject({
      upn: 'griffin@zava.example',
      department: 'Sales',
      roles: [],
    });
    expect(fake.calls('GET', '/v1.0/users/u-griffin')).toHaveLength(1);

    // The high incident goes to the notifier; the medium one does not.
    expect(await outbox()).toEqual(['incident.changed inc-high']);
    // Agent 1 has an open high alert: its stored risk says so.
    const signals = (await store().agents.getRisk('pkg-1'))!.signals.map((sig) => sig.id);
    expect(signals).toContain('open-high-alerts');
    expect((await store().agents.getRisk('pkg-3'))!.signals.map((sig) => sig.id)).not.toContain('open-high-alerts');
    expect(await store().meta.get('graph.sync.cursor')).toEqual({ incidents: T3, alerts: T3 });
  });

  it('asks only for what changed after the cursor on the next run', async () => {
    fake.alerts.set('a4', alert('a4', 'inc-med', 'high', T4, [agentEvidence('pkg-2', 'Agent 2'), userEvidence]));
    fake.incidents.set('inc-med', { ...fake.incidents.get('inc-med')!, severity: 'high', lastUpdateDateTime: T4 });
    const before = fake.calls('GET', '/v1.0/security/alerts_v2').length;

    const result = await sync();
    expect(result).toMatchObject({ incidents: 1, alerts: 1, cursor: { incidents: T4, alerts: T4 } });
    const calls = fake.calls('GET', '/v1.0/security/alerts_v2').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query.get('$filter')).toBe(`lastUpdateDateTime gt ${T3}`);
    expect(fake.calls('GET', '/v1.0/security/incidents').at(-1)!.query.get('$filter')).toBe(
      `lastUpdateDateTime gt ${T3}`,
    );
    expect(await store().incidents.getIncident('inc-med')).toMatchObject({ severity: 'high', alertCount: 2 });
    expect((await outbox()).at(-1)).toBe('incident.changed inc-med');

    const version = await changeVersion(store().db);
    const quiet = await sync();
    expect(quiet).toMatchObject({ incidents: 0, alerts: 0, cursor: { incidents: T4, alerts: T4 } });
    // Nothing changed in Graph: nothing written, so the tab has nothing to reload.
    expect(await changeVersion(store().db)).toBe(version);
  });

  it('brings a block made in Graph (admin center) into the store', async () => {
    fake.packages.get('pkg-3')!.isBlocked = true;
    const version = await changeVersion(store().db);
    await sync();
    expect(await store().agents.get('pkg-3')).toMatchObject({ lifecycle: 'blocked', blockedBy: 'Microsoft Graph' });
    expect(await changeVersion(store().db)).toBeGreaterThan(version);
  });

  it('waits out a 429 with Retry-After in the middle of a run', async () => {
    fake.alerts.set('a5', alert('a5', 'inc-high', 'low', '2026-11-20T11:00:00Z', []));
    fake.fail('GET', /security\/alerts_v2$/, {
      status: 429,
      code: 'TooManyRequests',
      message: 'Slow down',
      retryAfter: 1,
    });
    const before = fake.calls('GET', '/v1.0/security/alerts_v2').length;
    const result = await sync();
    expect(result.alerts).toBe(1);
    expect(fake.calls('GET', '/v1.0/security/alerts_v2').length).toBe(before + 2);
    expect((await store().incidents.alertsOfIncident('inc-high')).map((a) => a.id).sort()).toEqual(['a1', 'a2', 'a5']);
  });

  it('fails a run on a Graph error without moving the cursor', async () => {
    fake.alerts.set('a6', alert('a6', 'inc-high', 'low', '2026-11-20T12:00:00Z', []));
    const cursor = await store().meta.get('graph.sync.cursor');
    fake.fail('GET', /security\/alerts_v2$/, {
      status: 403,
      code: 'Forbidden',
      message: 'Missing role SecurityAlert.Read.All',
    });
    const error = await sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toContain('Missing role SecurityAlert.Read.All');
    expect(await store().meta.get('graph.sync.cursor')).toEqual(cursor);
    expect((await sync()).alerts).toBe(1);
  });
});

describe('graph sync started by the server', () => {
  it('runs on its own at start and stops with the server', async () => {
    const fake = await new FakeGraph({ tenantId: GRAPH_TENANT, ...GRAPH_APP }).start();
    seed(fake);
    const w = await startGraphWarden('pglite', fake, { startSync: true });
    try {
      // Waits for the first run's result (no timing asserted): the agents arrive without anyone calling syncOnce.
      for (let i = 0; i < 200 && (await w.server.warden.store.agents.count()) < 5; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await w.server.warden.store.agents.count()).toBe(5);
    } finally {
      await w.server.close();
      await fake.stop();
    }
  });
});
