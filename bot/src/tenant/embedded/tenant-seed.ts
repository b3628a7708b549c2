import type {
  Agent,
  AgentSnapshot,
  AgentTool,
  Alert,
  AlertStatus,
  Classification,
  DirectoryUser,
  Evidence,
  Incident,
  IncidentStatus,
  ProtectionEvent,
  Severity,
  Submission,
} from '../../domain/types.js';
import { maxSeverity, severityRank } from '../../domain/types.js';
import { entitiesOf, incidentTitle } from '../../domain/incident-correlator.js';

/** Everything an embedded tenant starts with; `loadTenantSeed` writes it into an empty store. */
export interface TenantSeed {
  users: DirectoryUser[];
  agents: Agent[];
  snapshots: AgentSnapshot[];
  alerts: Alert[];
  incidents: Incident[];
  events: ProtectionEvent[];
  submissions: Submission[];
}

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** Formats four 32-bit words as a version-4-shaped GUID. */
export function guidFromWords(a: number, b: number, c: number, d: number): string {
  const h = hex8(a) + hex8(b) + hex8(c) + hex8(d);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A GUID derived from a name (cyrb128 hash), so seed ids are fixed without a table of constants. */
export function stableGuid(name: string): string {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < name.length; i++) {
    const k = name.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044559);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044559);
  return guidFromWords(h1 ^ h2 ^ h3 ^ h4, h2 ^ h1, h3 ^ h1, h4 ^ h1);
}

/** Times relative to a fixed `now`, as ISO strings: the seeds never go stale. */
export interface SeedClock {
  now: Date;
  ago(days: number, hours?: number, minutes?: number): string;
  /** `iso` moved by `minutes` (negative: earlier). */
  shift(iso: string, minutes: number): string;
}

export function seedClock(now: Date): SeedClock {
  const base = now.getTime();
  return {
    now,
    ago: (days, hours = 0, minutes = 0) =>
      new Date(base - days * 86_400_000 - hours * 3_600_000 - minutes * 60_000).toISOString(),
    shift: (iso, minutes) => new Date(Date.parse(iso) + minutes * 60_000).toISOString(),
  };
}

export interface IncidentResolution {
  status: IncidentStatus;
  classification?: Classification | null;
  resolutionComment?: string | null;
  assignedTo?: string | null;
  resolvedBy?: string | null;
}

/**
 * An incident over its alerts, built the way the correlator builds one (entities, title, category,
 * severity, counts), so seeded incidents look exactly like live ones. Alerts must already carry the id.
 */
export function incidentOf(id: string, alerts: Alert[], r: IncidentResolution): Incident {
  if (alerts.length === 0) throw new Error(`incident ${id} has no alerts`);
  const primary = [...alerts].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.createdAt.localeCompare(b.createdAt),
  )[0]!;
  const entities = entitiesOf(alerts);
  const resolved = r.status === 'resolved';
  const min = (xs: string[]) => xs.reduce((a, b) => (a < b ? a : b));
  const max = (xs: string[]) => xs.reduce((a, b) => (a > b ? a : b));
  const lastUpdatedAt = max(alerts.map((a) => a.lastUpdatedAt));
  return {
    id,
    title: incidentTitle(alerts, entities),
    category: primary.category,
    severity: alerts.reduce<Severity>((s, a) => maxSeverity(s, a.severity), 'informational'),
    status: r.status,
    classification: r.classification ?? null,
    resolutionComment: r.resolutionComment ?? null,
    assignedTo: r.assignedTo ?? null,
    entities,
    alertCount: alerts.length,
    eventCount: alerts.reduce((n, a) => n + a.eventCount, 0),
    createdAt: min(alerts.map((a) => a.createdAt)),
    lastUpdatedAt,
    firstActivityAt: min(alerts.map((a) => a.firstActivityAt)),
    lastActivityAt: max(alerts.map((a) => a.lastActivityAt)),
    resolvedAt: resolved ? max(alerts.map((a) => a.resolvedAt ?? a.lastUpdatedAt)) : null,
    resolvedBy: resolved ? (r.resolvedBy ?? null) : null,
    incidentWebUrl: null,
  };
}

/** The key under which the correlator folds identical detections into one alert. */
export const dedupKeyOf = (detectorId: string, userId: string | null, agentId: string | null, toolId: string | null) =>
  [detectorId, userId ?? '-', agentId ?? '-', toolId ?? '-'].join('|');

/** What a seeded alert says about itself; the rest follows from its burst of events and its incident. */
export interface BurstAlertSpec {
  id: string;
  incidentId: string;
  title: string;
  description: string;
  category: Alert['category'];
  severity: Severity;
  detectorId: string;
  recommendedActions: string;
  mitreTechniques: string[];
  agent: Agent;
  user: DirectoryUser | null;
  tool: AgentTool | null;
  ip: string;
  /** The protection events the alert folds, oldest first (at least one). */
  burst: ProtectionEvent[];
  incidentStatus: IncidentStatus;
  classification: Classification | null;
  resolvedAt: string | null;
}

/**
 * The alert a burst of seeded protection events raises, shaped as the correlator would have made it: its evidence
 * (user, agent, tool, IP), its activity span from the burst, its status from its incident's.
 */
export function burstAlert(s: BurstAlertSpec): Alert {
  if (s.burst.length === 0) throw new Error(`alert ${s.id} has no events`);
  const { agent, user, tool } = s;
  const evidence: Evidence[] = [
    ...(user ? [{ type: 'user' as const, userId: user.id, upn: user.upn, displayName: user.displayName }] : []),
    { type: 'agent', agentId: agent.id, agentName: agent.name, platform: agent.platform },
    ...(tool ? [{ type: 'tool' as const, toolId: tool.id, toolName: tool.name, agentId: agent.id }] : []),
    { type: 'ip', address: s.ip },
  ];
  const first = s.burst[0]!.occurredAt;
  const last = s.burst[s.burst.length - 1]!.occurredAt;
  const status: AlertStatus =
    s.incidentStatus === 'resolved' ? 'resolved' : s.incidentStatus === 'inProgress' ? 'inProgress' : 'new';
  const resolvedAt = status === 'resolved' ? s.resolvedAt : null;
  return {
    id: s.id,
    incidentId: s.incidentId,
    title: s.title,
    description: s.description,
    category: s.category,
    severity: s.severity,
    status,
    classification: status === 'resolved' ? s.classification : null,
    detectorId: s.detectorId,
    serviceSource: 'agentWarden',
    recommendedActions: s.recommendedActions,
    mitreTechniques: s.mitreTechniques,
    evidence,
    eventCount: s.burst.length,
    dedupKey: dedupKeyOf(s.detectorId, user?.id ?? null, agent.id, tool?.id ?? null),
    createdAt: first,
    lastUpdatedAt: resolvedAt ?? last,
    firstActivityAt: first,
    lastActivityAt: last,
    resolvedAt,
    alertWebUrl: null,
  };
}
