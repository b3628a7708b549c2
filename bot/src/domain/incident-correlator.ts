import type { Alert, Evidence, Incident, IncidentEntities, Severity } from './types.js';
import { maxSeverity, severityRank } from './types.js';

/** What a detector or policy rule found, before it becomes (or grows) an alert. */
export interface Detection {
  detectorId: string;
  title: string;
  description: string;
  category: string;
  severity: Severity;
  mitreTechniques: string[];
  recommendedActions: string;
  evidence: Evidence[];
  /** Identical detections (same rule, user, agent, tool) share a key and grow one alert. */
  dedupKey: string;
  at: string;
}

export interface CorrelationInput {
  detection: Detection;
  /** The open alert with the detection's dedup key, if any. */
  openAlert: Alert | null;
  /**
   * The incident the alert joins: the open alert's own incident when there is one, else the open
   * incident about the same user or agent within the correlation window, else null (a new one).
   */
  openIncident: Incident | null;
  /** The other alerts of that incident (for its title and severity). */
  incidentAlerts: Alert[];
  newId: () => string;
}

export interface CorrelationResult {
  alert: Alert;
  incident: Incident;
  alertCreated: boolean;
  incidentCreated: boolean;
  /** True when the incident is new, or its severity rose, or it gained an alert: worth a card update. */
  incidentChanged: boolean;
}

export const CORRELATION_WINDOW_MS = 24 * 3600_000;

/**
 * Alerts about the same user or the same agent within the window join one incident; a repeated
 * identical detection grows its alert's event count instead of making a new alert.
 */
export function correlate(input: CorrelationInput): CorrelationResult {
  const { detection: d } = input;
  const alertCreated = input.openAlert === null;
  const alert: Alert = input.openAlert
    ? {
        ...input.openAlert,
        severity: maxSeverity(input.openAlert.severity, d.severity),
        eventCount: input.openAlert.eventCount + 1,
        evidence: mergeEvidence(input.openAlert.evidence, d.evidence),
        lastActivityAt: later(input.openAlert.lastActivityAt, d.at),
        lastUpdatedAt: d.at,
      }
    : {
        id: input.newId(),
        incidentId: null,
        title: d.title,
        description: d.description,
        category: d.category,
        severity: d.severity,
        status: 'new',
        classification: null,
        detectorId: d.detectorId,
        serviceSource: 'agentWarden',
        recommendedActions: d.recommendedActions,
        mitreTechniques: d.mitreTechniques,
        evidence: d.evidence,
        eventCount: 1,
        dedupKey: d.dedupKey,
        createdAt: d.at,
        lastUpdatedAt: d.at,
        firstActivityAt: d.at,
        lastActivityAt: d.at,
        resolvedAt: null,
        alertWebUrl: null,
      };

  const base = input.openIncident;
  const siblings = input.incidentAlerts.filter((a) => a.id !== alert.id);
  const alerts = [...siblings, alert];
  const incidentCreated = base === null;
  const incidentId = base?.id ?? input.newId();
  const severity = alerts.reduce<Severity>((s, a) => maxSeverity(s, a.severity), 'informational');
  const entities = entitiesOf(alerts);
  const incident: Incident = {
    id: incidentId,
    title: incidentTitle(alerts, entities),
    category: primaryAlert(alerts).category,
    severity,
    status: base?.status ?? 'active',
    classification: base?.classification ?? null,
    resolutionComment: base?.resolutionComment ?? null,
    assignedTo: base?.assignedTo ?? null,
    entities,
    alertCount: alerts.length,
    eventCount: alerts.reduce((n, a) => n + a.eventCount, 0),
    createdAt: base?.createdAt ?? d.at,
    lastUpdatedAt: d.at,
    firstActivityAt: base ? earlier(base.firstActivityAt, d.at) : alert.firstActivityAt,
    lastActivityAt: base ? later(base.lastActivityAt, d.at) : d.at,
    resolvedAt: null,
    resolvedBy: null,
    incidentWebUrl: null,
  };
  return {
    alert: { ...alert, incidentId },
    incident,
    alertCreated,
    incidentCreated,
    incidentChanged:
      incidentCreated || alertCreated || (base !== null && severityRank(severity) > severityRank(base.severity)),
  };
}

/** Defender-style titles: "Collection incident involving one user". */
export function incidentTitle(alerts: Alert[], entities: IncidentEntities): string {
  const categories = [...new Set(alerts.map((a) => a.category))];
  const primary = humanCategory(primaryAlert(alerts).category);
  const subject =
    entities.users.length > 0
      ? `involving ${count(entities.users.length, 'user')}`
      : `involving ${count(entities.agents.length, 'agent')}`;
  if (categories.length <= 1) return `${primary} incident ${subject}`;
  return `Multi-stage incident involving ${categories.map(humanCategory).join(' & ')} ${subject}`;
}

function primaryAlert(alerts: Alert[]): Alert {
  // The most severe alert names the incident; among equals, the first one raised.
  return [...alerts].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.createdAt.localeCompare(b.createdAt),
  )[0]!;
}

export function entitiesOf(alerts: Alert[]): IncidentEntities {
  const users = new Map<string, IncidentEntities['users'][number]>();
  const agents = new Map<string, IncidentEntities['agents'][number]>();
  const tools = new Map<string, IncidentEntities['tools'][number]>();
  const ips = new Set<string>();
  for (const e of alerts.flatMap((a) => a.evidence)) {
    if (e.type === 'user') users.set(e.userId, { userId: e.userId, upn: e.upn, displayName: e.displayName });
    else if (e.type === 'agent')
      agents.set(e.agentId, { agentId: e.agentId, agentName: e.agentName, platform: e.platform });
    else if (e.type === 'tool')
      tools.set(`${e.agentId}/${e.toolId}`, { toolId: e.toolId, toolName: e.toolName, agentId: e.agentId });
    else ips.add(e.address);
  }
  return { users: [...users.values()], agents: [...agents.values()], tools: [...tools.values()], ips: [...ips] };
}

export function mergeEvidence(a: Evidence[], b: Evidence[]): Evidence[] {
  const key = (e: Evidence) =>
    e.type === 'user'
      ? `u:${e.userId}`
      : e.type === 'agent'
        ? `a:${e.agentId}`
        : e.type === 'tool'
          ? `t:${e.agentId}/${e.toolId}`
          : `i:${e.address}`;
  const seen = new Map(a.map((e) => [key(e), e]));
  for (const e of b) if (!seen.has(key(e))) seen.set(key(e), e);
  return [...seen.values()];
}

const CATEGORY_NAMES: Record<string, string> = {
  InitialAccess: 'Initial access',
  CredentialAccess: 'Credential access',
  PrivilegeEscalation: 'Privilege escalation',
  DefenseEvasion: 'Defense evasion',
  CommandAndControl: 'Command and control',
  SuspiciousActivity: 'Suspicious activity',
};
export const humanCategory = (c: string) => CATEGORY_NAMES[c] ?? c;
const count = (n: number, noun: string) => (n === 1 ? `one ${noun}` : `${n} ${noun}s`);
const later = (a: string, b: string) => (a > b ? a : b);
const earlier = (a: string, b: string) => (a < b ? a : b);
