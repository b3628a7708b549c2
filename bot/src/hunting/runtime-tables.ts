import type { Agent, Alert, DirectoryUser, Evidence, ProtectionEvent, Severity } from '../domain/types.js';
import type { Column, Row } from './kql/values.js';

// The runtime tables of advanced hunting, shaped as Defender's reference documents them (docs/architecture.md,
// interface 3): each protection decision of the webhook is a behavior (BehaviorInfo, with its user, agent, tool
// and address in BehaviorEntities), each alert a row of AlertInfo with one AlertEvidence row per entity it names.
// Defender keeps 30 days of them; so do these tables.

const col = (name: string, type: Column['type']): Column => ({ name, type });
const str = (...names: string[]) => names.map((n) => col(n, 'string'));

/** Defender's BehaviorInfo: one row per behavior (here: a protection decision). */
export const BEHAVIOR_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  ...str('BehaviorId', 'ActionType', 'Title', 'Description', 'Categories', 'AttackTechniques'),
  ...str('ServiceSource', 'DetectionSource', 'DataSources', 'DeviceId', 'AccountUpn', 'AccountObjectId'),
  col('StartTime', 'datetime'),
  col('EndTime', 'datetime'),
  col('AdditionalFields', 'dynamic'),
];

/** Defender's BehaviorEntities: the entities of each behavior, one row each. */
export const BEHAVIOR_ENTITIES_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  ...str('BehaviorId', 'ActionType', 'Categories', 'ServiceSource', 'DetectionSource', 'DataSources'),
  ...str('EntityType', 'EntityRole', 'DetailedEntityRole', 'FileName', 'FolderPath', 'SHA1', 'SHA256'),
  col('FileSize', 'long'),
  ...str('AccountName', 'AccountDomain', 'AccountSid', 'AccountObjectId', 'AccountUpn', 'DeviceId', 'DeviceName'),
  ...str('LocalIP', 'NetworkMessageId', 'EmailSubject', 'EmailClusterId', 'Application'),
  col('ApplicationId', 'long'),
  ...str('OAuthApplicationId', 'ProcessCommandLine', 'RegistryKey', 'RegistryValueName', 'RegistryValueData'),
  ...str('RemoteIP', 'RemoteUrl'),
  col('AdditionalFields', 'dynamic'),
];

/** Defender's AlertInfo: one row per alert. */
export const ALERT_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  ...str('AlertId', 'Title', 'Category', 'Severity', 'ServiceSource', 'DetectionSource', 'AttackTechniques'),
];

/** Defender's AlertEvidence: the entities of each alert, one row each. */
export const ALERT_EVIDENCE_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  ...str('AlertId', 'Title', 'Categories', 'AttackTechniques', 'ServiceSource', 'DetectionSource'),
  ...str('EntityType', 'EvidenceRole', 'EvidenceDirection', 'FileName', 'FolderPath', 'SHA1', 'SHA256'),
  col('FileSize', 'long'),
  ...str('ThreatFamily', 'RemoteIP', 'RemoteUrl', 'AccountName', 'AccountDomain', 'AccountSid', 'AccountObjectId'),
  ...str('AccountUpn', 'DeviceId', 'DeviceName', 'LocalIP', 'NetworkMessageId', 'EmailSubject', 'Application'),
  col('ApplicationId', 'long'),
  ...str('OAuthApplicationId', 'ProcessCommandLine', 'RegistryKey', 'RegistryValueName', 'RegistryValueData'),
  col('AdditionalFields', 'dynamic'),
  ...str('Severity', 'CloudResource', 'CloudPlatform', 'ResourceType', 'ResourceID', 'SubscriptionId'),
];

export const RUNTIME_SCHEMAS = {
  BehaviorInfo: BEHAVIOR_INFO_COLUMNS,
  BehaviorEntities: BEHAVIOR_ENTITIES_COLUMNS,
  AlertInfo: ALERT_INFO_COLUMNS,
  AlertEvidence: ALERT_EVIDENCE_COLUMNS,
} as const;

export const RUNTIME_DESCRIPTIONS: Record<keyof typeof RUNTIME_SCHEMAS, string> = {
  BehaviorInfo:
    "Runtime protection's decisions on agents' tool calls and prompts (blocked, flagged, allowed): 30 days.",
  BehaviorEntities: 'The user, agent, tool and address of each behavior in BehaviorInfo, one row each.',
  AlertInfo: 'Alerts raised on agents at run time: title, category (MITRE tactic), severity, techniques.',
  AlertEvidence: 'The entities (user, agent, tool, IP address) of each alert in AlertInfo, one row each.',
};

export interface RuntimeTableSet {
  BehaviorInfo: Row[];
  BehaviorEntities: Row[];
  AlertInfo: Row[];
  AlertEvidence: Row[];
}

/** How long the runtime tables reach back, as Defender's advanced hunting keeps data. */
export const RUNTIME_RETENTION_DAYS = 30;

/** The product these rows come from, where Defender writes e.g. "Microsoft Defender for Cloud Apps". */
export const SERVICE_SOURCE = 'Agent Warden';
const BEHAVIOR_DETECTION_SOURCE = 'Runtime protection';
const DATA_SOURCES = JSON.stringify(['Copilot Studio threat detection webhook']);

const SEVERITY_NAMES: Record<Severity, string> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  // Defender's alert severities stop at High.
  critical: 'High',
};

/** Which MITRE tactic each runtime rule's behavior belongs to when no alert in the window says so. */
const RULE_CATEGORIES: Record<string, string> = {
  exfiltration: 'Exfiltration',
  'external-recipient': 'Exfiltration',
  'exfiltration-via-url': 'Exfiltration',
  jailbreak: 'DefenseEvasion',
  'persistent-jailbreak': 'DefenseEvasion',
  'indirect-prompt-injection': 'Execution',
  'tool-poisoning': 'Execution',
  'rug-pull': 'Execution',
  'bulk-read': 'Collection',
  'privilege-request': 'PrivilegeEscalation',
  'anonymous-maker-credentials': 'PrivilegeEscalation',
};

/** "ToolInvocationBlocked", "PromptFlagged", ...: what happened to the call (flagged: a rule fired, not blocking). */
function actionTypeOf(e: ProtectionEvent): string {
  const what = e.kind === 'prompt' ? 'Prompt' : 'ToolInvocation';
  return `${what}${e.decision === 'block' ? 'Blocked' : e.rules.length > 0 ? 'Flagged' : 'Allowed'}`;
}

interface Directory {
  users: Map<string, DirectoryUser>;
  agents: Map<string, Pick<Agent, 'id' | 'name' | 'platform'>>;
}

const blankEntity = (columns: Column[]): Row => Object.fromEntries(columns.map((c) => [c.name, null])) as Row;
const BLANK_BEHAVIOR_ENTITY = blankEntity(BEHAVIOR_ENTITIES_COLUMNS);
const BLANK_ALERT_EVIDENCE = blankEntity(ALERT_EVIDENCE_COLUMNS);

const accountParts = (upn: string) => {
  const at = upn.indexOf('@');
  return at < 0
    ? { AccountName: upn, AccountDomain: '' }
    : { AccountName: upn.slice(0, at), AccountDomain: upn.slice(at + 1) };
};

/** The IP address as Defender writes it: without the IPv4-mapped prefix Copilot Studio sends. */
const ipOf = (ip: string) => ip.replace(/^::ffff:/i, '');

/** Items (accounts, agents, decisions, alerts) made into rows between two pauses of `runtimeRows`. */
const ITEMS_PER_STEP = 2000;

/**
 * BehaviorInfo and BehaviorEntities from the protection decisions (newest first, as the store gives them), into
 * `out`; pauses (yields) every ITEMS_PER_STEP decisions.
 */
function* behaviorRows(
  events: ProtectionEvent[],
  alerts: Alert[],
  dir: Directory,
  out: Pick<RuntimeTableSet, 'BehaviorInfo' | 'BehaviorEntities'>,
): Generator<void, void> {
  // What each detector's alerts call it (category, techniques), so a behavior carries the same.
  const detectors = new Map<string, { category: string; techniques: string[] }>();
  for (const a of alerts) {
    if (!detectors.has(a.detectorId))
      detectors.set(a.detectorId, { category: a.category, techniques: a.mitreTechniques });
  }
  const { BehaviorInfo: behaviorInfo, BehaviorEntities: behaviorEntities } = out;
  for (const [i, e] of events.entries()) {
    if (i > 0 && i % ITEMS_PER_STEP === 0) yield;
    const at = new Date(e.occurredAt);
    const user = e.userId ? dir.users.get(e.userId) : undefined;
    const agent = e.agentId ? dir.agents.get(e.agentId) : undefined;
    const categories = new Set<string>();
    const techniques = new Set<string>();
    for (const rule of e.rules) {
      const known = detectors.get(rule);
      const category = known?.category ?? RULE_CATEGORIES[rule];
      if (category) categories.add(category);
      for (const t of known?.techniques ?? []) techniques.add(t);
    }
    const actionType = actionTypeOf(e);
    const categoriesText = JSON.stringify([...categories]);
    const target = e.toolName ?? (e.kind === 'prompt' ? 'a prompt' : 'a tool');
    behaviorInfo.push({
      Timestamp: at,
      BehaviorId: e.id,
      ActionType: actionType,
      Title: `${e.decision === 'block' ? 'Blocked' : e.rules.length > 0 ? 'Flagged' : 'Allowed'} ${target} on ${agent?.name ?? 'an agent'}`,
      Description: e.summary,
      Categories: categoriesText,
      AttackTechniques: JSON.stringify([...techniques]),
      ServiceSource: SERVICE_SOURCE,
      DetectionSource: BEHAVIOR_DETECTION_SOURCE,
      DataSources: DATA_SOURCES,
      DeviceId: '',
      AccountUpn: user?.upn ?? '',
      AccountObjectId: e.userId ?? '',
      StartTime: at,
      EndTime: at,
      AdditionalFields: {
        Decision: e.decision,
        Kind: e.kind,
        Rules: e.rules,
        ReasonCode: e.reasonCode,
        FailMode: e.failMode,
        LatencyMs: e.latencyMs,
        AgentId: e.agentId,
        AgentName: agent?.name ?? null,
        ToolId: e.toolId,
        ToolName: e.toolName,
        CorrelationId: e.correlationId,
        ConversationId: e.conversationId,
      },
    });
    const base = {
      ...BLANK_BEHAVIOR_ENTITY,
      Timestamp: at,
      BehaviorId: e.id,
      ActionType: actionType,
      Categories: categoriesText,
      ServiceSource: SERVICE_SOURCE,
      DetectionSource: BEHAVIOR_DETECTION_SOURCE,
      DataSources: DATA_SOURCES,
    };
    if (e.userId) {
      const upn = user?.upn ?? '';
      behaviorEntities.push({
        ...base,
        EntityType: 'User',
        EntityRole: 'Impacted',
        DetailedEntityRole: JSON.stringify(['Caller']),
        ...accountParts(upn),
        AccountObjectId: e.userId,
        AccountUpn: upn,
      });
    }
    if (e.agentId) {
      behaviorEntities.push({
        ...base,
        EntityType: 'AIAgent',
        EntityRole: 'Impacted',
        DetailedEntityRole: JSON.stringify(['Agent']),
        Application: agent?.name ?? '',
        AdditionalFields: { AgentId: e.agentId, AgentName: agent?.name ?? null, Platform: agent?.platform ?? null },
      });
    }
    if (e.toolId) {
      behaviorEntities.push({
        ...base,
        EntityType: 'AIAgentTool',
        EntityRole: 'Related',
        DetailedEntityRole: JSON.stringify(['Tool']),
        Application: agent?.name ?? '',
        AdditionalFields: { ToolId: e.toolId, ToolName: e.toolName, AgentId: e.agentId },
      });
    }
    if (e.ip) {
      behaviorEntities.push({
        ...base,
        EntityType: 'Ip',
        EntityRole: 'Related',
        DetailedEntityRole: JSON.stringify(['Source']),
        RemoteIP: ipOf(e.ip),
      });
    }
  }
}

/** One AlertEvidence row's entity columns for an evidence item of ours. */
function evidenceColumns(ev: Evidence, dir: Directory): Row {
  switch (ev.type) {
    case 'user': {
      const upn = ev.upn || dir.users.get(ev.userId)?.upn || '';
      return {
        EntityType: 'User',
        EvidenceRole: 'Impacted',
        ...accountParts(upn),
        AccountObjectId: ev.userId,
        AccountUpn: upn,
        AdditionalFields: { DisplayName: ev.displayName },
      };
    }
    case 'agent':
      return {
        EntityType: 'AIAgent',
        EvidenceRole: 'Impacted',
        Application: ev.agentName,
        AdditionalFields: { AgentId: ev.agentId, AgentName: ev.agentName, Platform: ev.platform },
      };
    case 'tool':
      return {
        EntityType: 'AIAgentTool',
        EvidenceRole: 'Related',
        Application: dir.agents.get(ev.agentId)?.name ?? '',
        AdditionalFields: { ToolId: ev.toolId, ToolName: ev.toolName, AgentId: ev.agentId },
      };
    case 'ip':
      return { EntityType: 'Ip', EvidenceRole: 'Related', EvidenceDirection: 'Source', RemoteIP: ipOf(ev.address) };
  }
}

/** AlertInfo and AlertEvidence from the alerts (one evidence row per entity the alert names), into `out`. */
function* alertRows(
  alerts: Alert[],
  dir: Directory,
  out: Pick<RuntimeTableSet, 'AlertInfo' | 'AlertEvidence'>,
): Generator<void, void> {
  const { AlertInfo: alertInfo, AlertEvidence: alertEvidence } = out;
  for (const [i, a] of alerts.entries()) {
    if (i > 0 && i % ITEMS_PER_STEP === 0) yield;
    const at = new Date(a.createdAt);
    const severity = SEVERITY_NAMES[a.severity];
    const techniques = JSON.stringify(a.mitreTechniques);
    alertInfo.push({
      Timestamp: at,
      AlertId: a.id,
      Title: a.title,
      Category: a.category,
      Severity: severity,
      ServiceSource: SERVICE_SOURCE,
      DetectionSource: a.detectorId,
      AttackTechniques: techniques,
    });
    for (const ev of a.evidence) {
      const entity = evidenceColumns(ev, dir);
      alertEvidence.push({
        ...BLANK_ALERT_EVIDENCE,
        Timestamp: at,
        AlertId: a.id,
        Title: a.title,
        Categories: JSON.stringify([a.category]),
        AttackTechniques: techniques,
        ServiceSource: SERVICE_SOURCE,
        DetectionSource: a.detectorId,
        Severity: severity,
        ...entity,
        // Defender's AlertInfo has no status column; the status goes with each entity, so a query can leave out
        // resolved alerts (the open-high-alerts and active-threat templates do).
        AdditionalFields: {
          ...(entity.AdditionalFields as Record<string, unknown> | undefined),
          AlertStatus: a.status,
        },
      });
    }
  }
}

type RuntimeInputs = [
  activity: { events: ProtectionEvent[]; alerts: Alert[] },
  agents: Pick<Agent, 'id' | 'name' | 'platform'>[],
  users: DirectoryUser[],
];

/** The four runtime tables' rows, made into `out` a step at a time (each `yield` a pause). */
function* runtimeRows(...[activity, agents, users, out]: [...RuntimeInputs, RuntimeTableSet]): Generator<void, void> {
  const dir: Directory = { users: new Map(), agents: new Map() };
  for (const [i, u] of users.entries()) {
    if (i > 0 && i % ITEMS_PER_STEP === 0) yield;
    dir.users.set(u.id, u);
  }
  for (const [i, a] of agents.entries()) {
    if (i > 0 && i % ITEMS_PER_STEP === 0) yield;
    dir.agents.set(a.id, a);
  }
  yield* behaviorRows(activity.events, activity.alerts, dir, out);
  yield* alertRows(activity.alerts, dir, out);
}

const emptyRuntimeTables = (): RuntimeTableSet => ({
  BehaviorInfo: [],
  BehaviorEntities: [],
  AlertInfo: [],
  AlertEvidence: [],
});

/** The four runtime tables from the store's decisions and alerts of the last 30 days. */
export function buildRuntimeTables(...inputs: RuntimeInputs): RuntimeTableSet {
  const out = emptyRuntimeTables();
  const steps = runtimeRows(...inputs, out);
  while (!steps.next().done);
  return out;
}

/**
 * The same, made on the request thread with the event loop free between steps: at 100,000 agents, made at once,
 * they held every other request for about 300 ms.
 */
export async function buildRuntimeTablesYielding(...inputs: RuntimeInputs): Promise<RuntimeTableSet> {
  const out = emptyRuntimeTables();
  const steps = runtimeRows(...inputs, out);
  while (!steps.next().done) await new Promise<void>((resolve) => setImmediate(resolve));
  return out;
}
