// Contract-shaped data for the tab's tests (bot/src/contract/api.ts, bot/src/domain/types.ts).
import type {
  Agent,
  AgentDetail,
  AgentSummary,
  AgentTool,
  Alert,
  IncidentDetail,
  IncidentSummary,
  Me,
  Persona,
  ProtectionEvent,
  Role,
  ServerInfo,
} from '../../../src/api/types.js';

const T0 = '2026-11-20T09:00:00.000Z';

export function me(roles: Role[], overrides: Partial<Me> = {}): Me {
  return { id: 'u-me', upn: 'me@zava.example', displayName: 'Pat Analyst', roles, ...overrides };
}

export const devInfo: ServerInfo = { auth: 'dev', tenant: 'embedded', clientId: null, version: '0.1.0' };

export const personas: Persona[] = [
  { id: 'u-adele', upn: 'adele@zava.example', displayName: 'Adele Vance', jobTitle: 'IT admin', roles: ['admin'] },
  {
    id: 'u-megan',
    upn: 'megan@zava.example',
    displayName: 'Megan Bowen',
    jobTitle: 'SOC analyst',
    roles: ['responder'],
  },
  { id: 'u-lee', upn: 'lee@zava.example', displayName: 'Lee Gu', jobTitle: 'Auditor', roles: ['viewer'] },
];

export function agentSummary(i: number, overrides: Partial<AgentSummary> = {}): AgentSummary {
  return {
    id: `agent-${i}`,
    name: `Agent ${i}`,
    platform: 'copilotStudio',
    lifecycle: 'active',
    publishStatus: 'published',
    createdBy: `maker${i}@zava.example`,
    owners: [`maker${i}@zava.example`],
    riskScore: 10,
    riskLevel: 'medium',
    signals: [{ id: 'org-wide-sharing', severity: 'medium', title: 'Shared with the whole organization' }],
    toolCount: 2,
    mcpOnMakerCredentials: false,
    lastModifiedAt: T0,
    ...overrides,
  };
}

export const billingAgentSummary = agentSummary(0, {
  id: 'agent-billing',
  name: 'Customer Billing Agent',
  riskScore: 65,
  riskLevel: 'critical',
  signals: [
    { id: 'mcp-maker-credentials', severity: 'critical', title: "MCP server connected with the maker's credentials" },
    { id: 'no-user-auth', severity: 'high', title: 'No user authentication' },
  ],
  toolCount: 3,
  mcpOnMakerCredentials: true,
});

export const mcpTool: AgentTool = {
  id: 'cra65_billing.mcp.Invoices',
  name: 'Invoices MCP',
  kind: 'mcpServer',
  description: 'Reads and writes invoices',
  capability: 'data',
  connector: null,
  serverUrl: 'https://mcp.zava.example/invoices',
  connectionMode: 'maker',
  operations: [
    { name: 'listInvoices', access: 'read' },
    { name: 'updateInvoice', access: 'write' },
  ],
  headers: {},
  recipientsFromModel: false,
};

export const emailTool: AgentTool = {
  id: 'cra65_billing.action.Office365Outlook-SendEmail',
  name: 'Send an email',
  kind: 'connector',
  description: 'Sends an e-mail',
  capability: 'email',
  connector: 'Office 365 Outlook',
  serverUrl: null,
  connectionMode: 'user',
  operations: [{ name: 'SendEmailV2', access: 'write' }],
  headers: {},
  recipientsFromModel: true,
};

export function agent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: 'agent-billing',
    name: 'Customer Billing Agent',
    platform: 'copilotStudio',
    version: '1.4.0',
    publishStatus: 'published',
    lifecycle: 'active',
    environmentId: 'env-zava-prod',
    createdAt: '2026-01-10T10:00:00.000Z',
    createdBy: 'maker@zava.example',
    owners: ['maker@zava.example'],
    lastModifiedAt: '2026-11-01T10:00:00.000Z',
    lastModifiedBy: 'maker@zava.example',
    publishedAt: '2026-11-01T11:00:00.000Z',
    publishedBy: 'maker@zava.example',
    authorizedGroupIds: [],
    connectedAgentIds: ['agent-refunds'],
    childAgentIds: [],
    channels: ['teams'],
    userCount: 1200,
    lastActivityAt: T0,
    blockedAt: null,
    blockedBy: null,
    blockReason: null,
    description: 'Answers billing questions for customers.',
    instructions: 'Be helpful.',
    userAuthentication: 'none',
    authenticationTrigger: 'asNeeded',
    accessControl: 'any',
    tools: [mcpTool, emailTool],
    knowledgeSources: [],
    topics: [],
    triggers: [{ name: 'On message', kind: 'message' }],
    ...overrides,
  };
}

export function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    incidentId: 'inc-1',
    title: `Alert ${id}`,
    description: '',
    category: 'Exfiltration',
    severity: 'high',
    status: 'new',
    classification: null,
    detectorId: 'exfiltration',
    serviceSource: 'agentWarden',
    recommendedActions: '',
    mitreTechniques: [],
    evidence: [],
    eventCount: 1,
    dedupKey: id,
    createdAt: T0,
    lastUpdatedAt: T0,
    firstActivityAt: T0,
    lastActivityAt: T0,
    resolvedAt: null,
    alertWebUrl: null,
    ...overrides,
  };
}

export const highOpenAlert = alert('al-high', { title: 'Blocked tool invocation', severity: 'high', status: 'new' });
export const lowAlert = alert('al-low', { title: 'Dormant agent woke up', severity: 'low', status: 'new' });
export const resolvedAlert = alert('al-resolved', {
  title: 'Old jailbreak attempt',
  severity: 'critical',
  status: 'resolved',
  resolvedAt: T0,
});

export function agentDetail(view: 'it' | 'soc', overrides: Partial<AgentDetail> = {}): AgentDetail {
  const all = [highOpenAlert, lowAlert, resolvedAlert];
  return {
    agent: agent(),
    risk: {
      score: 65,
      level: 'critical',
      signals: [
        {
          id: 'mcp-maker-credentials',
          severity: 'critical',
          title: "MCP server connected with the maker's credentials",
          evidence: ['tool Invoices MCP'],
          owasp: 'LLM06:2025 Excessive Agency',
        },
      ],
    },
    view,
    // What the server does: IT sees unresolved high and critical only.
    alerts:
      view === 'it'
        ? all.filter((a) => a.status !== 'resolved' && (a.severity === 'high' || a.severity === 'critical'))
        : all,
    incidents: [],
    pendingSubmission: null,
    ...overrides,
  };
}

const events: ProtectionEvent[] = [1, 2, 3].map((n) => ({
  id: `ev-${n}`,
  occurredAt: `2026-11-20T09:0${n}:00.000Z`,
  kind: 'toolInvocation',
  userId: 'u-griffin',
  agentId: 'agent-billing',
  toolId: emailTool.id,
  toolName: 'Send an email',
  ip: '::ffff:78.131.11.108',
  decision: 'block',
  rules: ['exfiltration'],
  reasonCode: 1001,
  latencyMs: 4,
  correlationId: null,
  conversationId: 'conv-1',
  failMode: false,
  summary: 'E-mail to an outside address',
}));

export function incidentDetail(overrides: Partial<IncidentDetail['incident']> = {}): IncidentDetail {
  return {
    incident: {
      id: 'inc-1',
      title: 'Data exfiltration attempt via Customer Billing Agent',
      category: 'Exfiltration',
      severity: 'high',
      status: 'active',
      classification: null,
      resolutionComment: null,
      assignedTo: null,
      entities: {
        users: [{ userId: 'u-griffin', upn: 'griffin@zava.example', displayName: 'Griffin Cho' }],
        agents: [{ agentId: 'agent-billing', agentName: 'Customer Billing Agent', platform: 'copilotStudio' }],
        tools: [{ toolId: emailTool.id, toolName: 'Send an email', agentId: 'agent-billing' }],
        ips: ['78.131.11.108'],
      },
      alertCount: 1,
      eventCount: 3,
      createdAt: T0,
      lastUpdatedAt: T0,
      firstActivityAt: T0,
      lastActivityAt: T0,
      resolvedAt: null,
      resolvedBy: null,
      incidentWebUrl: null,
      ...overrides,
    },
    alerts: [highOpenAlert],
    timeline: events,
    responses: [],
  };
}

export function incidentSummary(detail: IncidentDetail): IncidentSummary {
  const i = detail.incident;
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    assignedTo: i.assignedTo,
    classification: i.classification,
    entities: i.entities,
    alertCount: i.alertCount,
    eventCount: i.eventCount,
    firstActivityAt: i.firstActivityAt,
    lastActivityAt: i.lastActivityAt,
  };
}
