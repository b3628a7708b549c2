import type {
  Agent,
  Alert,
  AlertStatus,
  Classification,
  DirectoryUser,
  Evidence,
  Incident,
  IncidentEntities,
  IncidentStatus,
  Platform,
  Severity,
} from '../../domain/types.js';
import type { Logger } from '../../domain/logger.js';
import { severityRank } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import type { Sql } from '../../store/db.js';
import { bumpChangeVersion, enqueueOutbox } from '../../store/outbox.js';
import type { RiskRefresher } from '../../inventory/risk-refresher.js';
import { UpstreamError } from '../../domain/errors.js';
import type { GraphConnection } from './graph-client.js';
import { packageMetaKey, type GraphPackageIds } from './graph-tenant.js';

// TENANT=graph: keeps the store's copy of the tenant fresh by polling Microsoft Graph (docs/architecture.md, interfaces 2 and 5).
//
// Each run, in this order:
// 1. agents: every page of GET /copilot/admin/catalog/packages, mapped onto the domain Agent. Graph's package
//    carries identity, version and the block state only; what it lacks (instructions, tools, knowledge,
//    topics, owners, channels, activity) stays empty or unknown, and a copy already in the store keeps its
//    own values for those fields. Packages that disappear from Graph are left in the store as they were.
// 2. incidents then alerts: GET /security/incidents?$expand=alerts and GET /security/alerts_v2, each filtered
//    on lastUpdateDateTime after its own cursor (meta table, key graph.sync.cursor), with
//    Prefer: include-unknown-enum-members. No change notifications exist for these (docs/architecture.md, interface 2), so this
//    is the only way in. The cursor moves to the newest lastUpdateDateTime seen, in the same transaction as
//    the rows, so a failed run is simply fetched again.
// 3. users named by the alerts' user evidence: GET /users/{id}. Roles, risk and session state are Agent
//    Warden's own or come from the response actions; the sync does not read riskyUsers.
// Then high and critical incidents that changed go to the outbox (the notifier posts or updates their cards)
// and the risk of the agents involved is recomputed.
//
// Throttling: the GraphConnection keeps /security/ requests within 150 a minute and waits out 429 Retry-After.

const CURSOR_KEY = 'graph.sync.cursor';
/** The agent fields a package sets; a change in any of them is written. */
const GRAPH_OWNED = ['name', 'platform', 'version', 'publishStatus', 'lifecycle', 'lastModifiedAt'] as const;
const NOTIFY_FROM = severityRank('high');
const PREFER = { Prefer: 'include-unknown-enum-members' };

interface SyncCursor {
  alerts: string | null;
  incidents: string | null;
}

export interface SyncResult {
  agents: number;
  incidents: number;
  alerts: number;
  users: number;
  cursor: SyncCursor;
}

// ---- Graph's shapes (only the fields used) ----

export interface GraphPackage {
  id: string;
  displayName?: string;
  type?: string;
  isBlocked?: boolean;
  platform?: string;
  publisher?: string;
  version?: string;
  manifestId?: string;
  appId?: string;
  lastModifiedDateTime?: string;
  supportedHosts?: string[];
}

interface GraphEvidence {
  '@odata.type'?: string;
  agentId?: string;
  agentName?: string;
  hostingPlatformType?: string;
  userAccount?: { azureAdUserId?: string; userPrincipalName?: string; displayName?: string; accountName?: string };
  ipAddress?: string;
}

export interface GraphAlert {
  id: string;
  incidentId?: string | null;
  status?: string;
  severity?: string;
  classification?: string | null;
  serviceSource?: string;
  detectorId?: string;
  title?: string;
  description?: string;
  category?: string;
  recommendedActions?: string;
  mitreTechniques?: string[];
  createdDateTime: string;
  lastUpdateDateTime: string;
  firstActivityDateTime?: string | null;
  lastActivityDateTime?: string | null;
  resolvedDateTime?: string | null;
  alertWebUrl?: string | null;
  evidence?: GraphEvidence[];
}

export interface GraphIncident {
  id: string;
  displayName?: string;
  severity?: string;
  status?: string;
  classification?: string | null;
  assignedTo?: string | null;
  createdDateTime: string;
  lastUpdateDateTime: string;
  incidentWebUrl?: string | null;
  alerts?: GraphAlert[];
}

interface GraphUser {
  id: string;
  userPrincipalName?: string;
  displayName?: string;
  jobTitle?: string | null;
  department?: string | null;
  accountEnabled?: boolean;
}

// ---- mapping ----

const SEVERITY: Record<string, Severity> = {
  informational: 'informational',
  low: 'low',
  medium: 'medium',
  high: 'high',
};
/** Graph has no "critical"; unknown and newer values read as informational. */
export const mapSeverity = (s: string | undefined): Severity => SEVERITY[s ?? ''] ?? 'informational';

const mapAlertStatus = (s: string | undefined): AlertStatus =>
  s === 'resolved' ? 'resolved' : s === 'inProgress' ? 'inProgress' : 'new';

/** redirected (merged into another incident) counts as resolved; awaitingAction and unknown ones as active. */
const mapIncidentStatus = (s: string | undefined): IncidentStatus =>
  s === 'resolved' || s === 'redirected' ? 'resolved' : s === 'inProgress' ? 'inProgress' : 'active';

const mapClassification = (c: string | null | undefined): Classification | null =>
  c === 'truePositive'
    ? 'truePositive'
    : c === 'falsePositive'
      ? 'falsePositive'
      : c === 'informationalExpectedActivity'
        ? 'benignPositive'
        : null;

const mapHostingPlatform = (p: string | undefined): Platform =>
  p === 'copilotStudio'
    ? 'copilotStudio'
    : p === 'azureAIFoundry'
      ? 'azureAIFoundry'
      : p === 'copilot'
        ? 'm365Copilot'
        : 'thirdParty';

/** The package's platform/type as a domain platform: Microsoft's own packages are Microsoft 365 Copilot agents. */
const mapPackagePlatform = (p: GraphPackage): Platform => {
  const platform = (p.platform ?? '').toLowerCase();
  if (platform.includes('copilotstudio')) return 'copilotStudio';
  if (platform.includes('foundry')) return 'azureAIFoundry';
  if (p.type === 'microsoft') return 'm365Copilot';
  return 'thirdParty';
};

export function mapEvidence(e: GraphEvidence): Evidence | null {
  const type = (e['@odata.type'] ?? '').replace('#microsoft.graph.security.', '');
  if (type === 'aiAgentEvidence' && e.agentId) {
    return {
      type: 'agent',
      agentId: e.agentId,
      agentName: e.agentName ?? e.agentId,
      platform: mapHostingPlatform(e.hostingPlatformType),
    };
  }
  if (type === 'userEvidence' && e.userAccount?.azureAdUserId) {
    const u = e.userAccount;
    return {
      type: 'user',
      userId: u.azureAdUserId!,
      upn: (u.userPrincipalName ?? u.accountName ?? '').toLowerCase(),
      displayName: u.displayName ?? u.userPrincipalName ?? u.azureAdUserId!,
    };
  }
  if (type === 'ipEvidence' && e.ipAddress) return { type: 'ip', address: e.ipAddress };
  return null;
}

export function mapAlert(a: GraphAlert): Alert {
  return {
    id: a.id,
    incidentId: a.incidentId ?? null,
    title: a.title ?? a.id,
    description: a.description ?? '',
    category: a.category ?? '',
    severity: mapSeverity(a.severity),
    status: mapAlertStatus(a.status),
    classification: mapClassification(a.classification),
    detectorId: a.detectorId ?? '',
    serviceSource: a.serviceSource ?? '',
    recommendedActions: a.recommendedActions ?? '',
    mitreTechniques: a.mitreTechniques ?? [],
    evidence: (a.evidence ?? []).map(mapEvidence).filter((e): e is Evidence => e !== null),
    // Graph does not count the events behind an alert.
    eventCount: 1,
    dedupKey: `graph:${a.id}`,
    createdAt: a.createdDateTime,
    lastUpdatedAt: a.lastUpdateDateTime,
    firstActivityAt: a.firstActivityDateTime ?? a.createdDateTime,
    lastActivityAt: a.lastActivityDateTime ?? a.lastUpdateDateTime,
    resolvedAt: a.resolvedDateTime ?? null,
    alertWebUrl: a.alertWebUrl ?? null,
  };
}

function entitiesOf(alerts: Alert[]): IncidentEntities {
  const users = new Map<string, IncidentEntities['users'][number]>();
  const agents = new Map<string, IncidentEntities['agents'][number]>();
  const ips = new Set<string>();
  for (const e of alerts.flatMap((a) => a.evidence)) {
    if (e.type === 'user') users.set(e.userId, { userId: e.userId, upn: e.upn, displayName: e.displayName });
    if (e.type === 'agent') agents.set(e.agentId, { agentId: e.agentId, agentName: e.agentName, platform: e.platform });
    if (e.type === 'ip') ips.add(e.address);
  }
  return { users: [...users.values()], agents: [...agents.values()], tools: [], ips: [...ips] };
}

export function mapIncident(i: GraphIncident, alerts: Alert[]): Incident {
  const status = mapIncidentStatus(i.status);
  const times = (pick: (a: Alert) => string) => alerts.map(pick).sort();
  return {
    id: i.id,
    title: i.displayName ?? i.id,
    category: alerts[0]?.category ?? '',
    severity: mapSeverity(i.severity),
    status,
    classification: mapClassification(i.classification),
    // Graph keeps the resolving comment in comments[]; not synced.
    resolutionComment: null,
    assignedTo: i.assignedTo ?? null,
    entities: entitiesOf(alerts),
    alertCount: alerts.length,
    eventCount: alerts.reduce((n, a) => n + a.eventCount, 0),
    createdAt: i.createdDateTime,
    lastUpdatedAt: i.lastUpdateDateTime,
    firstActivityAt: times((a) => a.firstActivityAt)[0] ?? i.createdDateTime,
    lastActivityAt: times((a) => a.lastActivityAt).at(-1) ?? i.lastUpdateDateTime,
    resolvedAt: status === 'resolved' ? i.lastUpdateDateTime : null,
    // Graph does not say who resolved an incident.
    resolvedBy: null,
    incidentWebUrl: i.incidentWebUrl ?? null,
  };
}

/** A package as a domain agent; `existing` keeps what Graph does not know (definition, owners, activity). */
export function mapPackage(p: GraphPackage, existing: Agent | null, now: string): Agent {
  const blocked = p.isBlocked === true;
  const base: Agent = existing ?? {
    id: p.id,
    name: p.id,
    platform: mapPackagePlatform(p),
    version: '',
    publishStatus: 'published',
    lifecycle: 'active',
    // Unknown to the package API: no environment, maker, owners, definition, channels or usage.
    environmentId: '',
    createdAt: p.lastModifiedDateTime ?? now,
    createdBy: '',
    owners: [],
    lastModifiedAt: p.lastModifiedDateTime ?? now,
    lastModifiedBy: '',
    publishedAt: null,
    publishedBy: null,
    authorizedGroupIds: [],
    connectedAgentIds: [],
    childAgentIds: [],
    channels: [],
    userCount: 0,
    lastActivityAt: null,
    blockedAt: null,
    blockedBy: null,
    blockReason: null,
    description: '',
    instructions: '',
    userAuthentication: 'microsoft',
    authenticationTrigger: 'asNeeded',
    accessControl: 'any',
    tools: [],
    knowledgeSources: [],
    topics: [],
    triggers: [],
  };
  return {
    ...base,
    name: p.displayName ?? base.name,
    platform: mapPackagePlatform(p),
    version: p.version ?? base.version,
    // Packages in the catalog are published ones.
    publishStatus: 'published',
    lifecycle: blocked ? 'blocked' : 'active',
    lastModifiedAt: p.lastModifiedDateTime ?? base.lastModifiedAt,
    // A block made elsewhere (admin center) is recorded when first seen; Graph does not say who or why.
    ...(blocked
      ? base.lifecycle === 'blocked'
        ? {}
        : { blockedAt: now, blockedBy: 'Microsoft Graph', blockReason: 'blocked in the Microsoft 365 admin center' }
      : { blockedAt: null, blockedBy: null, blockReason: null }),
  };
}

// ---- the poller ----

export interface GraphSyncOptions {
  store: Store;
  graph: GraphConnection;
  risk: RiskRefresher;
  clock: () => Date;
  intervalSeconds: number;
  log?: Logger;
}

export class GraphSync {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(private readonly o: GraphSyncOptions) {}

  /** Syncs now, then every interval, until stop(). A failed run is logged and retried at the next one. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.syncOnce()
        .then((r) => this.o.log?.info({ ...r }, 'graph sync done'))
        .catch((err: unknown) => this.o.log?.error({ err }, 'graph sync failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalSeconds * 1000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  async syncOnce(): Promise<SyncResult> {
    const agents = await this.syncAgents();
    const cursor: SyncCursor = (await this.o.store.meta.get<SyncCursor>(CURSOR_KEY)) ?? {
      alerts: null,
      incidents: null,
    };
    const incidents: GraphIncident[] = [];
    for await (const page of this.o.graph.pages<GraphIncident>(
      updatedAfter('/security/incidents?$expand=alerts', cursor.incidents),
      { headers: PREFER },
    )) {
      incidents.push(...page);
    }
    const alerts: GraphAlert[] = [];
    for await (const page of this.o.graph.pages<GraphAlert>(updatedAfter('/security/alerts_v2', cursor.alerts), {
      headers: PREFER,
    })) {
      alerts.push(...page);
    }
    const users = await this.fetchUsers([...incidents.flatMap((i) => i.alerts ?? []), ...alerts]);

    const next: SyncCursor = {
      incidents: newest(cursor.incidents, incidents),
      alerts: newest(cursor.alerts, alerts),
    };
    const result = { agents, incidents: incidents.length, alerts: alerts.length, users: users.length, cursor: next };
    // Nothing new: nothing written, so the tab's change version stays where it is.
    if (incidents.length === 0 && alerts.length === 0) return result;
    await this.o.store.db.transaction(async (tx) => {
      await this.saveUsers(tx, users);
      const changed = new Set<string>();
      const mappedIncidents = [...new Map(incidents.map((i) => [i.id, i])).values()].map((i) =>
        mapIncident(i, (i.alerts ?? []).map(mapAlert)),
      );
      await this.o.store.incidents.saveIncidents(mappedIncidents, tx);
      mappedIncidents.forEach((i) => changed.add(i.id));
      // An alert can come both inside its incident and from alerts_v2: the latest copy of each is kept.
      const mappedAlerts = latestById([
        ...incidents.flatMap((i) => (i.alerts ?? []).map(mapAlert)),
        ...alerts.map(mapAlert),
      ]);
      // An alert whose incident is not in the store yet (its incident was not updated since the cursor)
      // would break the foreign key: its incident is fetched on its own.
      for (const incidentId of new Set(mappedAlerts.map((a) => a.incidentId).filter((id): id is string => !!id))) {
        if (mappedIncidents.some((i) => i.id === incidentId)) continue;
        if (await this.o.store.incidents.getIncident(incidentId, tx)) {
          changed.add(incidentId);
          continue;
        }
        const one = await this.fetchIncident(incidentId);
        if (one) {
          await this.o.store.incidents.saveIncidents([mapIncident(one, (one.alerts ?? []).map(mapAlert))], tx);
          changed.add(incidentId);
        }
      }
      const known = await this.o.store.incidents.existingIds(
        [...new Set(mappedAlerts.flatMap((a) => (a.incidentId ? [a.incidentId] : [])))],
        tx,
      );
      await this.o.store.incidents.saveAlerts(
        mappedAlerts.map((a) => (a.incidentId && !known.has(a.incidentId) ? { ...a, incidentId: null } : a)),
        tx,
      );
      await this.o.store.meta.set(CURSOR_KEY, next, tx);
      await this.announce(tx, [...changed]);
      const agentIds = mappedAlerts.flatMap((a) => a.evidence.flatMap((e) => (e.type === 'agent' ? [e.agentId] : [])));
      await this.o.risk.refresh(tx, agentIds);
    });
    return result;
  }

  /**
   * Every package page, then one transaction that writes only the agents Graph changed (and rescored them),
   * so a quiet tenant does not move the tab's change version every interval.
   */
  private async syncAgents(): Promise<number> {
    const packages = new Map<string, GraphPackage>();
    for await (const page of this.o.graph.pages<GraphPackage>('/copilot/admin/catalog/packages')) {
      for (const p of page) packages.set(p.id, p);
    }
    const now = this.o.clock().toISOString();
    await this.o.store.db.transaction(async (tx) => {
      const existing = new Map((await this.o.store.agents.all(tx)).map((a) => [a.id, a]));
      const knownIds = await this.o.store.meta.withPrefix<GraphPackageIds>(packageMetaKey(''), tx);
      const changed: Agent[] = [];
      for (const p of packages.values()) {
        const before = existing.get(p.id) ?? null;
        const after = mapPackage(p, before, now);
        if (!before || GRAPH_OWNED.some((k) => before[k] !== after[k])) changed.push(after);
        const ids: GraphPackageIds = { appId: p.appId ?? null, manifestId: p.manifestId ?? null };
        const seen = knownIds.get(packageMetaKey(p.id));
        if (seen?.appId !== ids.appId || seen?.manifestId !== ids.manifestId) {
          await this.o.store.meta.set(packageMetaKey(p.id), ids, tx);
        }
      }
      if (changed.length === 0) return;
      await this.o.store.agents.upsert(changed, tx);
      await this.o.risk.refresh(
        tx,
        changed.map((a) => a.id),
      );
      await bumpChangeVersion(tx);
    });
    return packages.size;
  }

  private async fetchIncident(id: string): Promise<GraphIncident | null> {
    try {
      return await this.o.graph.get<GraphIncident>(`/security/incidents/${encodeURIComponent(id)}?$expand=alerts`, {
        headers: PREFER,
      });
    } catch (err) {
      if (err instanceof UpstreamError && err.upstreamStatus === 404) return null;
      throw err;
    }
  }

  /** The users the alerts' evidence names; a user Graph no longer has is skipped. */
  private async fetchUsers(alerts: GraphAlert[]): Promise<GraphUser[]> {
    const ids = new Set(
      alerts.flatMap((a) => (a.evidence ?? []).map(mapEvidence).flatMap((e) => (e?.type === 'user' ? [e.userId] : []))),
    );
    const users: GraphUser[] = [];
    for (const id of ids) {
      try {
        users.push(
          await this.o.graph.get<GraphUser>(
            `/users/${encodeURIComponent(id)}?$select=id,userPrincipalName,displayName,jobTitle,department,accountEnabled`,
          ),
        );
      } catch (err) {
        if (err instanceof UpstreamError && err.upstreamStatus === 404) continue;
        throw err;
      }
    }
    return users;
  }

  private async saveUsers(tx: Sql, users: GraphUser[]): Promise<void> {
    const mapped: DirectoryUser[] = [];
    for (const u of users) {
      const existing = await this.o.store.users.get(u.id, tx);
      mapped.push({
        // Roles, risk and session state are kept: they are Agent Warden's or the response actions'.
        roles: [],
        riskLevel: 'none',
        riskState: 'none',
        sessionsRevokedAt: null,
        passwordResetRequired: false,
        ...existing,
        id: u.id,
        upn: (u.userPrincipalName ?? existing?.upn ?? u.id).toLowerCase(),
        displayName: u.displayName ?? existing?.displayName ?? u.id,
        jobTitle: u.jobTitle ?? existing?.jobTitle ?? '',
        department: u.department ?? existing?.department ?? '',
        accountEnabled: u.accountEnabled ?? existing?.accountEnabled ?? true,
      });
    }
    if (mapped.length) await this.o.store.users.upsert(mapped, tx);
  }

  /** High and critical incidents go to the outbox (the notifier's cards); any other change bumps the version. */
  private async announce(tx: Sql, incidentIds: string[]): Promise<void> {
    let announced = false;
    for (const id of incidentIds) {
      const incident = await this.o.store.incidents.getIncident(id, tx);
      if (!incident || severityRank(incident.severity) < NOTIFY_FROM) continue;
      await enqueueOutbox(tx, 'incident.changed', id, {
        source: 'graph',
        severity: incident.severity,
        alertCount: incident.alertCount,
      });
      announced = true;
    }
    if (!announced) await bumpChangeVersion(tx);
  }
}

function latestById(alerts: Alert[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const a of alerts) {
    const seen = byId.get(a.id);
    if (!seen || Date.parse(a.lastUpdatedAt) >= Date.parse(seen.lastUpdatedAt)) byId.set(a.id, a);
  }
  return [...byId.values()];
}

/** The path with `$filter=lastUpdateDateTime gt <cursor>` when there is a cursor. */
function updatedAfter(path: string, cursor: string | null): string {
  if (!cursor) return path;
  return `${path}${path.includes('?') ? '&' : '?'}$filter=${encodeURIComponent(`lastUpdateDateTime gt ${cursor}`)}`;
}

/** The newest lastUpdateDateTime, compared as times (Graph's fractions of a second vary in length). */
function newest(cursor: string | null, items: { lastUpdateDateTime: string }[]): string | null {
  return items.reduce<string | null>(
    (max, i) => (!max || Date.parse(i.lastUpdateDateTime) > Date.parse(max) ? i.lastUpdateDateTime : max),
    cursor,
  );
}
