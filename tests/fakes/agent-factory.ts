import type { Agent, AgentTool, DirectoryUser } from '../../bot/src/domain/types.js';

/** A clean, published agent; tests override what they are about. */
export function makeAgent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: 'agent-1',
    name: 'Expense Helper',
    platform: 'copilotStudio',
    version: '1.0.0',
    publishStatus: 'published',
    lifecycle: 'active',
    environmentId: 'env-default',
    createdAt: '2026-09-01T09:00:00.000Z',
    createdBy: 'maker@zava.example',
    owners: ['maker@zava.example'],
    lastModifiedAt: '2026-11-01T09:00:00.000Z',
    lastModifiedBy: 'maker@zava.example',
    publishedAt: '2026-09-02T09:00:00.000Z',
    publishedBy: 'maker@zava.example',
    authorizedGroupIds: ['group-finance'],
    connectedAgentIds: [],
    childAgentIds: [],
    channels: ['msteams'],
    userCount: 40,
    lastActivityAt: '2026-11-20T09:00:00.000Z',
    blockedAt: null,
    blockedBy: null,
    blockReason: null,
    description: 'Helps with expense reports.',
    instructions: 'Answer questions about the expense policy.',
    userAuthentication: 'microsoft',
    authenticationTrigger: 'always',
    accessControl: 'groupMembership',
    tools: [],
    knowledgeSources: [],
    topics: [],
    triggers: [{ name: 'Conversation start', kind: 'message' }],
    ...overrides,
  };
}

export function makeTool(overrides: Partial<AgentTool> = {}): AgentTool {
  return {
    id: 'cr123_agent.action.SharePoint-GetItems',
    name: 'Get items',
    kind: 'connector',
    description: '',
    capability: 'data',
    connector: 'SharePoint',
    serverUrl: null,
    connectionMode: 'user',
    operations: [{ name: 'GetItems', access: 'read' }],
    headers: {},
    recipientsFromModel: false,
    ...overrides,
  };
}

export function makeUser(overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: 'user-1',
    upn: 'maker@zava.example',
    displayName: 'Maker',
    jobTitle: 'Analyst',
    department: 'Finance',
    accountEnabled: true,
    roles: [],
    riskLevel: 'none',
    riskState: 'none',
    sessionsRevokedAt: null,
    passwordResetRequired: false,
    ...overrides,
  };
}
