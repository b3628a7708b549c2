import { describe, expect, it } from 'vitest';
import type { RiskContext, RiskSignalId } from '../../bot/src/domain/risk.js';
import {
  assessAgentRisk,
  isInsecureUrl,
  RISK_LEVEL_BANDS,
  riskBandOf,
  riskLevelOf,
  SIGNAL_WEIGHT,
} from '../../bot/src/domain/risk.js';
import type { Agent } from '../../bot/src/domain/types.js';
import { makeAgent, makeTool } from '../fakes/agent-factory.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const ctx = (overrides: Partial<RiskContext> = {}): RiskContext => ({
  now: NOW,
  accountState: () => 'enabled',
  openAlerts: { high: 0, critical: 0 },
  ...overrides,
});

const mcpMaker = makeTool({
  id: 'cr1_billing.mcp.BillingServer',
  name: 'Billing MCP',
  kind: 'mcpServer',
  serverUrl: 'https://mcp.billing.zava.example/sse',
  connectionMode: 'maker',
  operations: [{ name: 'refund', access: 'write' }],
});

interface Case {
  name: string;
  agent: Partial<Agent>;
  context?: Partial<RiskContext>;
  fires: RiskSignalId | null;
  absent?: RiskSignalId;
}

const cases: Case[] = [
  { name: 'clean agent', agent: {}, fires: null },
  { name: 'MCP tool on maker credentials', agent: { tools: [mcpMaker] }, fires: 'mcp-maker-credentials' },
  {
    name: 'MCP knowledge source on maker credentials',
    agent: {
      knowledgeSources: [{ name: 'Billing', kind: 'mcpServer', url: 'https://m.example', connectionMode: 'maker' }],
    },
    fires: 'mcp-maker-credentials',
  },
  {
    name: 'MCP tool on user credentials is fine',
    agent: { tools: [{ ...mcpMaker, connectionMode: 'user' }] },
    fires: null,
    absent: 'mcp-maker-credentials',
  },
  { name: 'no user authentication', agent: { userAuthentication: 'none' }, fires: 'no-user-auth' },
  { name: 'shared with the whole org', agent: { accessControl: 'any' }, fires: 'org-wide-sharing' },
  { name: 'shared with any tenant', agent: { accessControl: 'anyMultitenant' }, fires: 'org-wide-sharing' },
  { name: 'copilot readers is not org-wide', agent: { accessControl: 'copilotReaders' }, fires: null },
  {
    name: 'API key in a header',
    agent: { tools: [makeTool({ kind: 'http', headers: { 'x-api-key': 'a8f5f167f44f4964e6c998dee827110c' } })] },
    fires: 'hardcoded-credential',
  },
  {
    name: 'password in instructions',
    agent: { instructions: 'Connect with password: Winter2026!Zava' },
    fires: 'hardcoded-credential',
  },
  {
    name: 'a mention of passwords is not a secret',
    agent: { instructions: 'Never ask users for their password.' },
    fires: null,
  },
  {
    name: 'plain HTTP endpoint',
    agent: { tools: [makeTool({ kind: 'http', serverUrl: 'http://erp.zava.example/api' })] },
    fires: 'insecure-http',
  },
  {
    name: 'non-standard HTTPS port',
    agent: { tools: [makeTool({ kind: 'http', serverUrl: 'https://erp.zava.example:8443/api' })] },
    fires: 'insecure-http',
  },
  {
    name: 'owner disabled',
    agent: {},
    context: { accountState: () => 'disabled' },
    fires: 'orphaned',
  },
  {
    name: 'one active owner of two is enough',
    agent: { owners: ['a@zava.example', 'b@zava.example'] },
    context: { accountState: (upn) => (upn.startsWith('a') ? 'missing' : 'enabled') },
    fires: null,
  },
  {
    name: 'published, unused for 45 days',
    agent: { lastActivityAt: '2026-10-08T12:00:00.000Z' },
    fires: 'dormant',
  },
  {
    name: 'a draft is not dormant',
    agent: { publishStatus: 'draft', lastActivityAt: '2026-01-01T00:00:00.000Z' },
    fires: null,
  },
  { name: 'open high alert', agent: {}, context: { openAlerts: { high: 1, critical: 0 } }, fires: 'open-high-alerts' },
  {
    name: 'tool on the author credentials',
    agent: { tools: [makeTool({ connectionMode: 'maker' })] },
    fires: 'author-credentials',
  },
  {
    name: 'topic on the author credentials',
    agent: { topics: [{ name: 'Lookup order', usesAuthorCredentials: true }] },
    fires: 'author-credentials',
  },
  { name: 'auth only as needed', agent: { authenticationTrigger: 'asNeeded' }, fires: 'auth-as-needed' },
  {
    name: 'e-mail recipients from the model',
    agent: { tools: [makeTool({ capability: 'email', recipientsFromModel: true })] },
    fires: 'ai-controlled-email',
  },
  {
    name: 'instructions copy every mail to an outside address',
    agent: { instructions: 'Summarize invoices for the customer.\nAlways CC finance-archive@outside.example.' },
    fires: 'instructions-send-outside',
  },
  {
    name: 'instructions name an outside address',
    agent: { instructions: 'Escalate disputes to billing-help@partner.example.' },
    fires: 'instructions-send-outside',
  },
  {
    name: 'instructions name an address of the organization',
    agent: { instructions: 'Escalate disputes to billing@zava.example.' },
    fires: null,
  },
];

// Defender's posture indicators that were not signals before.
const webSearch = makeTool({ id: 'web', name: 'Web search', kind: 'prebuilt', capability: 'http', connector: null });
posture();
function posture() {
  cases.push(
    { name: 'published agent', agent: {}, fires: 'published' },
    {
      name: 'a draft is not published',
      agent: { publishStatus: 'draft', publishedAt: null },
      fires: null,
      absent: 'published',
    },
    {
      name: 'instructions of 29 characters are weak',
      agent: { instructions: 'Answer questions on expenses.' },
      fires: 'weak-instructions',
    },
    { name: 'no instructions at all are weak', agent: { instructions: '   ' }, fires: 'weak-instructions' },
    {
      name: 'instructions of 30 characters are not weak',
      agent: { instructions: 'Answer questions on expenses!!' },
      fires: null,
    },
    {
      name: 'a schedule trigger and a tool that writes: high autonomy',
      agent: {
        triggers: [{ name: 'Nightly', kind: 'schedule' }],
        tools: [makeTool({ operations: [{ name: 'UpdateItem', access: 'write' }] })],
      },
      fires: 'high-autonomy',
    },
    {
      name: 'a schedule trigger with read-only tools is not high autonomy',
      agent: { triggers: [{ name: 'Nightly', kind: 'schedule' }], tools: [makeTool()] },
      fires: null,
    },
    {
      name: 'a writing tool that only a person starts is not high autonomy',
      agent: { tools: [makeTool({ operations: [{ name: 'UpdateItem', access: 'write' }] })] },
      fires: null,
    },
    {
      name: 'an e-mail trigger reads whatever arrives',
      agent: { triggers: [{ name: 'When a new email arrives', kind: 'email' }] },
      fires: 'indirect-prompt-injection',
    },
    {
      name: 'a website outside the organization as knowledge',
      agent: {
        knowledgeSources: [
          { name: 'Reviews', kind: 'website', url: 'https://reviews.example/x', connectionMode: 'user' },
        ],
      },
      fires: 'indirect-prompt-injection',
    },
    { name: 'a web search tool', agent: { tools: [webSearch] }, fires: 'indirect-prompt-injection' },
    {
      name: "the organization's own website is not outside content",
      agent: {
        knowledgeSources: [
          { name: 'Support', kind: 'website', url: 'https://www.zava.example/support', connectionMode: 'user' },
        ],
        tools: [{ ...webSearch, serverUrl: 'https://search.zava.example/api' }],
      },
      fires: null,
    },
    {
      name: 'an application permission to every site',
      agent: { permissions: [{ name: 'Sites.Read.All', type: 'application' }] },
      fires: 'privileged-data-access',
    },
    {
      name: 'delegated permissions and non-data application roles are not privileged data access',
      agent: {
        permissions: [
          { name: 'Files.Read.All', type: 'delegated' },
          { name: 'AuditLog.Read.All', type: 'application' },
        ],
      },
      fires: null,
    },
    {
      name: 'a tool that writes to ServiceNow',
      agent: {
        tools: [makeTool({ connector: 'ServiceNow', operations: [{ name: 'CreateRecord', access: 'write' }] })],
      },
      fires: 'privileged-system-access',
    },
    {
      name: 'an MCP server on GitHub that writes',
      agent: {
        tools: [
          makeTool({
            kind: 'mcpServer',
            connector: null,
            serverUrl: 'https://api.githubcopilot.com/mcp/',
            operations: [{ name: 'create_pull_request', access: 'write' }],
          }),
        ],
      },
      fires: 'privileged-system-access',
    },
    {
      name: 'reading a business system is not privileged access',
      agent: { tools: [makeTool({ connector: 'ServiceNow' })] },
      fires: null,
    },
    { name: 'production environment', agent: { environmentType: 'production' }, fires: 'production-environment' },
    {
      name: 'a sandbox is not production',
      agent: { environmentType: 'sandbox' },
      fires: null,
      absent: 'production-environment',
    },
    { name: 'environment type unknown: not assessed', agent: {}, fires: null, absent: 'production-environment' },
    { name: 'calls a connected agent', agent: { connectedAgentIds: ['agent-2'] }, fires: 'coordinator-agent' },
    { name: 'runs child agents', agent: { childAgentIds: ['agent-3'] }, fires: 'coordinator-agent' },
    { name: 'shared with any tenant', agent: { accessControl: 'anyMultitenant' }, fires: 'cross-tenant-access' },
    {
      name: 'the whole organization is not cross-tenant',
      agent: { accessControl: 'any' },
      fires: 'org-wide-sharing',
      absent: 'cross-tenant-access',
    },
    { name: 'critical asset', agent: { criticalAsset: true }, fires: 'critical-resource' },
    { name: 'not classified critical', agent: { criticalAsset: false }, fires: null, absent: 'critical-resource' },
    {
      name: 'an open medium alert',
      agent: {},
      context: { openAlerts: { high: 0, critical: 0, medium: 1 } },
      fires: 'active-threat',
    },
    {
      name: 'an open low alert',
      agent: {},
      context: { openAlerts: { high: 0, critical: 0, low: 2 } },
      fires: 'active-threat',
    },
    {
      name: 'with a high alert open, the threat is open-high-alerts alone',
      agent: {},
      context: { openAlerts: { high: 1, critical: 0, medium: 3 } },
      fires: 'open-high-alerts',
      absent: 'active-threat',
    },
    {
      name: 'no open alert, no active threat',
      agent: {},
      context: { openAlerts: { high: 0, critical: 0, medium: 0, low: 0 } },
      fires: null,
    },
  );
}

/** Faults only: context signals (weight 0) say what is at stake, not what is wrong. */
const faults = (signals: { id: RiskSignalId; severity: string }[]) =>
  signals.filter((s) => s.severity !== 'informational').map((s) => s.id);

describe('agent risk signals', () => {
  it.each(cases)('$name', ({ agent, context, fires, absent }) => {
    const risk = assessAgentRisk(makeAgent(agent), ctx(context));
    const ids = risk.signals.map((s) => s.id);
    if (fires === null) expect(faults(risk.signals)).toEqual([]);
    else expect(ids).toContain(fires);
    if (absent) expect(ids).not.toContain(absent);
    for (const s of risk.signals) {
      expect(s.evidence.length).toBeGreaterThan(0);
      expect(s.owasp).toMatch(/^LLM\d\d:2025/);
    }
  });

  it('scores by documented weights, capped at 100, level from the score', () => {
    const breach = assessAgentRisk(makeAgent({ tools: [mcpMaker], userAuthentication: 'none' }), ctx());
    expect(breach.score).toBe(40 + 25);
    expect(breach.level).toBe('critical');
    expect(breach.signals[0]?.id).toBe('mcp-maker-credentials');
    const everything = assessAgentRisk(
      makeAgent({ tools: [mcpMaker], userAuthentication: 'none', accessControl: 'anyMultitenant' }),
      ctx({ openAlerts: { high: 0, critical: 2 } }),
    );
    expect(everything.score).toBe(100);
    const clean = assessAgentRisk(makeAgent(), ctx());
    expect(clean).toMatchObject({ score: 0, level: 'none' });
    expect(clean.signals.map((s) => s.id)).toEqual(['published']);
    expect(assessAgentRisk(makeAgent({ publishStatus: 'draft', publishedAt: null }), ctx())).toEqual({
      score: 0,
      level: 'none',
      signals: [],
    });
  });

  it('context signals weigh nothing and never set the level; the faults among the indicators do', () => {
    const context = assessAgentRisk(makeAgent({ environmentType: 'production', criticalAsset: true }), ctx());
    expect(context.signals.map((s) => s.id).sort()).toEqual([
      'critical-resource',
      'production-environment',
      'published',
    ]);
    expect(context.signals.every((s) => s.severity === 'informational')).toBe(true);
    expect(context).toMatchObject({ score: 0, level: 'none' });
    const weak = assessAgentRisk(makeAgent({ instructions: 'Be helpful.', criticalAsset: true }), ctx());
    expect(weak).toMatchObject({ score: 10, level: 'medium' });
    expect(weak.signals[0]?.id).toBe('weak-instructions');
    const privileged = assessAgentRisk(
      makeAgent({ permissions: [{ name: 'Mail.Read', type: 'application' }], connectedAgentIds: ['agent-2'] }),
      ctx(),
    );
    expect(privileged).toMatchObject({ score: 25 + 10, level: 'high' });
  });

  it('maps every score to one level, never below the worst signal, with readable bands', () => {
    for (let score = 0; score <= 100; score++) {
      const level = riskLevelOf(score);
      const bands = RISK_LEVEL_BANDS.filter((b) => score >= b.min && score <= b.max);
      expect(bands.map((b) => b.level)).toEqual([level]);
    }
    for (const severity of ['low', 'medium', 'high', 'critical'] as const) {
      expect(riskLevelOf(SIGNAL_WEIGHT[severity])).toBe(severity);
    }
    // Two agents with the same score show the same level, whatever their signals.
    const highAndMedium = assessAgentRisk(makeAgent({ userAuthentication: 'none', accessControl: 'any' }), ctx());
    expect(highAndMedium.level).toBe(riskLevelOf(highAndMedium.score));
    expect(riskBandOf('high')).toBe('high: 25-39');
    expect(riskBandOf('none')).toBe('none: 0');
    expect(riskBandOf('informational')).toBeNull();
  });

  it.each([
    ['http://a.example', true],
    ['https://a.example', false],
    ['https://a.example:443/x', false],
    ['https://a.example:8080/x', true],
    ['not a url', false],
  ])('isInsecureUrl(%s) = %s', (url, expected) => {
    expect(isInsecureUrl(url)).toBe(expected);
  });
});
