// Card view models for the Zava story, for card and bot tests. Tests override what they are about.
import type {
  ApprovalCardView,
  BlockedCallView,
  CardViewer,
  IncidentCardView,
} from '../../bot/src/teams/cards/card-views.js';
import type { Role } from '../../bot/src/domain/types.js';
import { makeAgent, makeTool } from './agent-factory.js';

export const INCIDENT_ID = 'inc-42';
export const AGENT_ID = 'agent-billing';
export const USER_ID = 'user-griffin';
export const SUBMISSION_ID = 'sub-7';

const LINKS = {
  teams: `https://teams.microsoft.com/l/entity/app-id/warden?context=%7B%22subEntityId%22%3A%22incident%3A${INCIDENT_ID}%22%7D`,
  browser: `https://warden.zava.example/incidents/${INCIDENT_ID}`,
};

export function makeViewer(roles: Role[], name = 'Adele Vance', upn = 'adele@zava.example'): CardViewer {
  return { principalId: `principal-${upn}`, displayName: name, upn, roles };
}

export function makeBlockedCall(i: number, overrides: Partial<BlockedCallView> = {}): BlockedCallView {
  const at = new Date(Date.UTC(2026, 10, 24, 10, 30, i)).toISOString();
  return {
    id: `evt-${i}`,
    occurredAt: at,
    toolName: 'Send an email',
    summary: `Send an email to attacker${i}@outside.example blocked (exfiltration)`,
    ip: '78.131.11.108',
    ...overrides,
  };
}

export function makeIncidentCardView(overrides: Partial<IncidentCardView> = {}): IncidentCardView {
  return {
    incident: {
      id: INCIDENT_ID,
      title: 'Exfiltration attempts through Customer Billing Agent involving Griffin',
      category: 'Exfiltration',
      severity: 'high',
      status: 'active',
      classification: null,
      resolutionComment: null,
      assignedTo: null,
      entities: {
        users: [{ userId: USER_ID, upn: 'griffin@zava.example', displayName: 'Griffin' }],
        agents: [{ agentId: AGENT_ID, agentName: 'Customer Billing Agent', platform: 'copilotStudio' }],
        tools: [{ toolId: 'cr1_billing.action.Send-email', toolName: 'Send an email', agentId: AGENT_ID }],
        ips: ['78.131.11.108'],
      },
      alertCount: 2,
      eventCount: 9,
      firstActivityAt: '2026-11-24T10:30:00.000Z',
      lastActivityAt: '2026-11-24T10:41:00.000Z',
      resolvedAt: null,
      resolvedBy: null,
      incidentWebUrl: null,
    },
    alerts: [
      {
        id: 'alert-1',
        title: 'Blocked tool invocation',
        severity: 'high',
        recommendedActions: "Revoke the user's sessions and block the agent.",
        alertWebUrl: 'https://security.microsoft.com/alerts/alert-1',
      },
      {
        id: 'alert-2',
        title: 'Persistent jailbreak attempts',
        severity: 'medium',
        recommendedActions: 'Review the conversation history.',
        alertWebUrl: null,
      },
    ],
    blockedCalls: [3, 2, 1].map((i) => makeBlockedCall(i)),
    blockedCallCount: 3,
    users: [
      {
        id: USER_ID,
        upn: 'griffin@zava.example',
        displayName: 'Griffin',
        sessionsRevokedAt: null,
        passwordResetRequired: false,
        riskState: 'atRisk',
      },
    ],
    agents: [
      {
        id: AGENT_ID,
        name: 'Customer Billing Agent',
        platform: 'copilotStudio',
        lifecycle: 'active',
        blockedAt: null,
        blockedBy: null,
      },
    ],
    history: [],
    links: LINKS,
    audience: { userIds: ['29:adele', '29:megan'] },
    ...overrides,
  };
}

export function makeApprovalCardView(overrides: Partial<ApprovalCardView> = {}): ApprovalCardView {
  const agent = makeAgent({
    id: AGENT_ID,
    name: 'Customer Billing Agent',
    lifecycle: 'blocked',
    userAuthentication: 'none',
    authenticationTrigger: 'asNeeded',
    accessControl: 'any',
    tools: [
      makeTool({
        id: 'mcp-billing',
        name: 'Billing MCP',
        kind: 'mcpServer',
        connectionMode: 'maker',
        serverUrl: 'https://mcp.zava.example',
      }),
      makeTool({ id: 'send-email', name: 'Send an email', capability: 'email', recipientsFromModel: true }),
    ],
  });
  const proposed = {
    ...agent,
    userAuthentication: 'microsoft' as const,
    authenticationTrigger: 'always' as const,
    accessControl: 'groupMembership' as const,
    tools: [
      { ...agent.tools[0]!, connectionMode: 'user' as const },
      makeTool({ id: 'lookup-invoice', name: 'Look up invoice' }),
    ],
  };
  return {
    submission: {
      id: SUBMISSION_ID,
      agentId: AGENT_ID,
      version: '1.1.0',
      submittedBy: 'maker@zava.example',
      submittedAt: '2026-11-25T09:00:00.000Z',
      note: 'MCP server now on user credentials; e-mail tool removed.',
      status: 'pending',
      proposed,
      reviewedBy: null,
      reviewedAt: null,
      reason: null,
    },
    agent: {
      id: AGENT_ID,
      name: agent.name,
      platform: agent.platform,
      lifecycle: agent.lifecycle,
      createdBy: agent.createdBy,
    },
    before: agent,
    riskBefore: {
      score: 90,
      level: 'critical',
      signals: [
        {
          id: 'mcp-maker-credentials',
          severity: 'critical',
          title: "MCP server connected with the maker's credentials",
        },
        { id: 'no-user-auth', severity: 'high', title: 'No user authentication' },
        { id: 'ai-controlled-email', severity: 'medium', title: 'E-mail recipients chosen by the model' },
      ],
    },
    riskAfter: { score: 0, level: 'none', signals: [] },
    history: [],
    links: {
      teams:
        'https://teams.microsoft.com/l/entity/app-id/warden?context=%7B%22subEntityId%22%3A%22submission%3Asub-7%22%7D',
      browser: 'https://warden.zava.example/submissions/sub-7',
    },
    audience: { userIds: ['29:admin'] },
    ...overrides,
  };
}
