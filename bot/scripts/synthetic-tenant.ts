import type {
  AccessControlPolicy,
  Agent,
  AgentSnapshot,
  AgentTool,
  Alert,
  Classification,
  DirectoryUser,
  Incident,
  IncidentStatus,
  KnowledgeSource,
  Platform,
  ProtectionEvent,
  Severity,
  Submission,
} from '../src/domain/types.js';
import { definitionOf } from '../src/domain/types.js';
import type { TenantSeed } from '../src/tenant/embedded/tenant-seed.js';
import { burstAlert, guidFromWords, incidentOf, mulberry32, seedClock } from '../src/tenant/embedded/tenant-seed.js';
import {
  connectorTool,
  httpTool,
  knowledge,
  mcpTool,
  onMessage,
  prebuiltTool,
  sendEmailTool,
  topics,
  trigger,
} from '../src/tenant/embedded/zava/agent-parts.js';
import { ZAVA_DOMAIN, ZAVA_ENVIRONMENTS } from '../src/tenant/embedded/zava/ids.js';
import { ZAVA_PERSONA_ALIASES, zavaUsers } from '../src/tenant/embedded/zava/users.js';

/**
 * A deterministic synthetic tenant of any size, for benchmarks and load tests: the same options give the
 * same tenant, byte for byte. Findings come at rough real-world rates (FINDING_RATES); the makers are a
 * generated directory of about one person per 20 agents; Zava's personas (Megan, Adele, Pradeep, Griffin)
 * are always there with their Zava ids, so benches sign in as them.
 */
export interface SyntheticTenantOptions {
  agents: number;
  seed: number;
  now: Date;
}

/** Chance per agent of each built-in finding. */
export const FINDING_RATES = {
  mcpMaker: 0.05,
  mcpUser: 0.04,
  noAuth: 0.1,
  authAsNeeded: 0.1,
  authorCredentials: 0.08,
  orgWide: 0.1,
  multiTenant: 0.01,
  hardcodedCredential: 0.02,
  insecureHttp: 0.03,
  aiEmail: 0.06,
  draft: 0.08,
  dormant: 0.08,
  blocked: 0.01,
  ownerGone: 0.01,
  disabledUser: 0.03,
  history: 0.33,
  newMcpInHistory: 0.02,
  instructionsChangedAfterPublish: 0.02,
} as const;

interface Department {
  name: string;
  titles: string[];
  subjects: string[];
}

const DEPARTMENTS: Department[] = [
  {
    name: 'Finance',
    titles: ['Financial Analyst', 'Accountant', 'Billing Specialist', 'Controller'],
    subjects: ['Invoice', 'Budget', 'Expense', 'Payment', 'Forecast', 'Tax'],
  },
  {
    name: 'Sales',
    titles: ['Account Executive', 'Sales Manager', 'Sales Operations Analyst'],
    subjects: ['Pipeline', 'Proposal', 'Pricing', 'Lead', 'Territory'],
  },
  {
    name: 'Marketing',
    titles: ['Marketing Manager', 'Content Strategist', 'Events Coordinator'],
    subjects: ['Campaign', 'Content', 'Brand', 'Event', 'Social Media'],
  },
  {
    name: 'Human Resources',
    titles: ['HR Business Partner', 'Recruiter', 'Payroll Specialist'],
    subjects: ['Benefits', 'Onboarding', 'Recruiting', 'HR Policy', 'Leave'],
  },
  {
    name: 'IT',
    titles: ['Systems Administrator', 'Service Desk Analyst', 'Cloud Engineer'],
    subjects: ['Helpdesk', 'Access Request', 'Device', 'License', 'Service Desk'],
  },
  {
    name: 'Engineering',
    titles: ['Software Engineer', 'Site Reliability Engineer', 'Data Engineer'],
    subjects: ['Runbook', 'Release', 'Code Review', 'On-call', 'Docs'],
  },
  {
    name: 'Operations',
    titles: ['Logistics Coordinator', 'Operations Manager', 'Buyer'],
    subjects: ['Inventory', 'Shipment', 'Supplier', 'Facilities', 'Shift'],
  },
  {
    name: 'Legal',
    titles: ['Corporate Counsel', 'Paralegal', 'Compliance Officer'],
    subjects: ['Contract', 'Clause', 'Compliance', 'NDA'],
  },
  {
    name: 'Customer Service',
    titles: ['Support Engineer', 'Customer Service Representative', 'Support Lead'],
    subjects: ['Case', 'Returns', 'Warranty', 'Order Status'],
  },
];

const FIRST_NAMES = [
  'Aaliyah',
  'Adrian',
  'Aisha',
  'Alejandro',
  'Amara',
  'Anders',
  'Ananya',
  'Benjamin',
  'Camila',
  'Chen',
  'Chloe',
  'Daniel',
  'Dmitri',
  'Elena',
  'Emeka',
  'Farah',
  'Gabriel',
  'Hana',
  'Hiro',
  'Ines',
  'Isabel',
  'Jamal',
  'Jonas',
  'Julia',
  'Kai',
  'Karin',
  'Leila',
  'Lucas',
  'Maya',
  'Mateo',
  'Mei',
  'Nadia',
  'Noah',
  'Olga',
  'Omar',
  'Priya',
  'Rafael',
  'Sara',
  'Sofia',
  'Tariq',
  'Tomas',
  'Uma',
  'Victor',
  'Wei',
  'Yara',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Abebe',
  'Andersen',
  'Bauer',
  'Bianchi',
  'Castillo',
  'Chowdhury',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jansen',
  'Kaur',
  'Khan',
  'Kim',
  'Kowalski',
  'Larsen',
  'Lopez',
  'Mbeki',
  'Moreau',
  'Nakamura',
  'Novak',
  'Okafor',
  'Oliveira',
  'Park',
  'Patel',
  'Petrov',
  'Quinn',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Suzuki',
  'Tanaka',
  'Torres',
  'Ueda',
  'Vargas',
  'Wagner',
  'Wang',
  'Yilmaz',
  'Zhang',
];
const NOUNS = ['Assistant', 'Agent', 'Helper', 'Copilot', 'Advisor', 'Bot'];
const MCP_SERVICES = ['billing', 'crm', 'hr', 'tickets', 'docs', 'analytics', 'github', 'erp'];
const TOPIC_NAMES = ['Greeting', 'Escalate to a person', 'Look up a record', 'Create a request', 'FAQ', 'Goodbye'];

/** Safe tools, on the caller's own connection. */
const SAFE_TOOLS: { connector: string | null; op: string; name: string; capability: AgentTool['capability'] }[] = [
  { connector: 'SharePoint', op: 'GetItems:read', name: 'Get items', capability: 'data' },
  { connector: 'Microsoft Dataverse', op: 'ListRecords:read', name: 'List rows', capability: 'data' },
  { connector: 'Microsoft Teams', op: 'PostMessageToConversation:write', name: 'Post message', capability: 'message' },
  { connector: 'Excel Online (Business)', op: 'GetItems:read', name: 'Read table', capability: 'data' },
  { connector: 'Planner', op: 'CreateTask:write', name: 'Create task', capability: 'data' },
  { connector: 'ServiceNow', op: 'CreateRecord:write', name: 'Create ticket', capability: 'data' },
  { connector: 'Salesforce', op: 'GetItem:read', name: 'Get account', capability: 'data' },
  { connector: null, op: 'search:read', name: 'Web search', capability: 'http' },
];

interface Detection {
  title: string;
  category: string;
  severity: Severity;
  detectorId: string;
  mitre: string[];
  kind: ProtectionEvent['kind'];
  decision: ProtectionEvent['decision'];
}

const DETECTIONS: Detection[] = [
  {
    title: 'Blocked tool invocation',
    category: 'Exfiltration',
    severity: 'high',
    detectorId: 'exfiltration',
    mitre: ['T1048'],
    kind: 'toolInvocation',
    decision: 'block',
  },
  {
    title: 'Persistent jailbreak attempts',
    category: 'DefenseEvasion',
    severity: 'medium',
    detectorId: 'persistent-jailbreak',
    mitre: ['AML.T0054'],
    kind: 'prompt',
    decision: 'allow',
  },
  {
    title: 'Jailbreak attempt',
    category: 'DefenseEvasion',
    severity: 'low',
    detectorId: 'jailbreak',
    mitre: ['AML.T0054'],
    kind: 'prompt',
    decision: 'allow',
  },
  {
    title: 'Unusual volume of tool calls',
    category: 'SuspiciousActivity',
    severity: 'medium',
    detectorId: 'anomalous-volume',
    mitre: [],
    kind: 'toolInvocation',
    decision: 'allow',
  },
  {
    title: 'E-mail to an outside recipient chosen by the model',
    category: 'Exfiltration',
    severity: 'low',
    detectorId: 'external-recipient',
    mitre: ['T1048'],
    kind: 'toolInvocation',
    decision: 'allow',
  },
  {
    title: 'E-mail to many recipients',
    category: 'Exfiltration',
    severity: 'informational',
    detectorId: 'bulk-email',
    mitre: [],
    kind: 'toolInvocation',
    decision: 'allow',
  },
];

const DAY = 86_400_000;
const MINUTE = 60_000;

export function syntheticTenant(options: SyntheticTenantOptions): TenantSeed {
  const { agents: count, seed, now } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`agents must be a whole number >= 0, not ${count}`);
  const g = new Generator(seed, now);
  const users = g.users(Math.max(20, Math.ceil(count / 20)));
  const makers = users.filter((u) => u.roles.length === 0);
  const agents: Agent[] = [];
  const snapshots: AgentSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const { agent, history } = g.agent(i, makers);
    agents.push(agent);
    snapshots.push(...history, { agentId: agent.id, takenAt: agent.lastModifiedAt, agent });
  }
  const { alerts, incidents, events } = g.history(agents, makers);
  return { users, agents, snapshots, alerts, incidents, events, submissions: g.submissions(agents) };
}

class Generator {
  private readonly random: () => number;
  private readonly base: number;
  private readonly names = new Map<string, number>();

  constructor(
    seed: number,
    private readonly now: Date,
  ) {
    this.random = mulberry32(seed);
    this.base = now.getTime();
  }

  private int = (n: number) => Math.floor(this.random() * n);
  private chance = (p: number) => this.random() < p;
  private pick = <T>(xs: readonly T[]): T => xs[this.int(xs.length)]!;
  private guid = () => guidFromWords(this.int(2 ** 32), this.int(2 ** 32), this.int(2 ** 32), this.int(2 ** 32));
  private iso = (msAgo: number) => new Date(this.base - msAgo).toISOString();
  private daysAgo = (min: number, max: number) => this.iso((min + this.random() * (max - min)) * DAY);

  users(n: number): DirectoryUser[] {
    const personas = zavaUsers(seedClock(this.now)).filter((u) =>
      (ZAVA_PERSONA_ALIASES as readonly string[]).includes(u.upn.split('@')[0]!),
    );
    const out: DirectoryUser[] = [...personas];
    const upns = new Set(personas.map((u) => u.upn));
    for (let i = out.length; i < n; i++) {
      const first = this.pick(FIRST_NAMES);
      const last = this.pick(LAST_NAMES);
      const department = this.pick(DEPARTMENTS);
      let upn = `${first}.${last}@${ZAVA_DOMAIN}`.toLowerCase();
      for (let k = 2; upns.has(upn); k++) upn = `${first}.${last}${k}@${ZAVA_DOMAIN}`.toLowerCase();
      upns.add(upn);
      out.push({
        id: this.guid(),
        upn,
        displayName: `${first} ${last}`,
        jobTitle: this.pick(department.titles),
        department: department.name,
        accountEnabled: !this.chance(FINDING_RATES.disabledUser),
        roles: [],
        riskLevel: 'none',
        riskState: 'none',
        sessionsRevokedAt: null,
        passwordResetRequired: false,
      });
    }
    return out;
  }

  agent(i: number, makers: DirectoryUser[]): { agent: Agent; history: AgentSnapshot[] } {
    const r = FINDING_RATES;
    const maker = this.pick(makers);
    const department = DEPARTMENTS.find((d) => d.name === maker.department) ?? DEPARTMENTS[0]!;
    const subject = this.pick(department.subjects);
    const name = this.uniqueName(`${subject} ${this.pick(NOUNS)}`);
    const x = this.random();
    const platform: Platform =
      x < 0.6 ? 'copilotStudio' : x < 0.8 ? 'azureAIFoundry' : x < 0.92 ? 'm365Copilot' : 'thirdParty';
    const slug = `${subject.toLowerCase().replace(/[^a-z]/g, '')}${i}`;
    const toolId = (kind: string, op: string) =>
      platform === 'copilotStudio' ? `cr${(i % 900) + 100}_${slug}.${kind}.${op}` : `${slug}.${kind}.${op}`;

    const tools: AgentTool[] = [];
    for (let k = this.int(3); k > 0; k--) {
      const t = this.pick(SAFE_TOOLS);
      const [op] = t.op.split(':') as [string];
      const id = toolId(
        t.connector ? 'action' : 'prebuilt',
        `${(t.connector ?? 'Web').replace(/[^A-Za-z]/g, '')}-${op}`,
      );
      if (tools.some((existing) => existing.id === id)) continue;
      const spec = {
        id,
        name: t.name,
        description: `${t.name} for ${subject.toLowerCase()} work.`,
        operations: [t.op],
      };
      tools.push(
        t.connector
          ? connectorTool(t.connector, { ...spec, capability: t.capability })
          : prebuiltTool({ ...spec, capability: t.capability }),
      );
    }
    const mcp = (mode: 'maker' | 'user', service: string) =>
      mcpTool(`https://mcp.${service}.${ZAVA_DOMAIN}/mcp`, {
        id: toolId('mcp', `${service[0]!.toUpperCase()}${service.slice(1)}MCP`),
        name: `${service[0]!.toUpperCase()}${service.slice(1)} MCP`,
        description: `Zava ${service} data over MCP.`,
        operations: ['query:read', 'update:write'],
        mode,
      });
    if (this.chance(r.mcpMaker)) tools.push(mcp('maker', this.pick(MCP_SERVICES)));
    else if (this.chance(r.mcpUser)) tools.push(mcp('user', this.pick(MCP_SERVICES)));
    if (this.chance(r.aiEmail)) {
      tools.push(sendEmailTool(toolId('action', 'Office365Outlook-SendEmailV2'), { recipientsFromModel: true }));
    }
    if (this.chance(r.authorCredentials)) {
      tools.push(
        connectorTool('SharePoint', {
          id: toolId('action', 'SharePointOnline-PostItem'),
          name: 'Create list item',
          description: 'Adds an item to a list on the maker’s connection.',
          operations: ['PostItem:write'],
          mode: 'maker',
        }),
      );
    }
    if (this.chance(r.hardcodedCredential)) {
      tools.push(
        httpTool(`https://api.partner${this.int(50)}.example/v1/lookup`, {
          id: toolId('action', 'HttpRequest-PartnerLookup'),
          name: 'Partner lookup',
          description: 'Calls a partner API.',
          operations: ['GET /v1/lookup:read'],
          headers: { 'x-api-key': `pk_live_${this.guid().replace(/-/g, '')}` },
        }),
      );
    }
    if (this.chance(r.insecureHttp)) {
      const url = this.chance(0.5)
        ? `http://legacy${this.int(20)}.${ZAVA_DOMAIN}/api`
        : `https://svc${this.int(20)}.${ZAVA_DOMAIN}:8443/api`;
      tools.push(
        httpTool(url, {
          id: toolId('action', 'HttpRequest-LegacyApi'),
          name: 'Legacy API',
          description: 'Reads from an internal service.',
          operations: ['GET /api:read'],
        }),
      );
    }

    const knowledgeSources: KnowledgeSource[] = [];
    if (this.chance(0.6)) {
      knowledgeSources.push(
        knowledge(
          `${subject} library`,
          'sharepoint',
          `https://zava.sharepoint.com/sites/${department.name.replace(/\s/g, '')}/${encodeURIComponent(subject)}`,
        ),
      );
    }

    const noAuth = this.chance(r.noAuth);
    const accessControl: AccessControlPolicy = this.chance(r.multiTenant)
      ? 'anyMultitenant'
      : this.chance(r.orgWide)
        ? 'any'
        : this.chance(0.5)
          ? 'groupMembership'
          : 'copilotReaders';
    const created = this.random() * 400 + 10;
    const modified = this.random() * (created - 1) + 1;
    const draft = this.chance(r.draft);
    const dormant = !draft && this.chance(r.dormant);
    const lastActive = draft ? null : dormant ? Math.max(31, modified) + this.random() * 150 : this.random() * 20;
    const owners = this.chance(r.ownerGone) ? [`former.employee${i}@${ZAVA_DOMAIN}`] : [maker.upn];
    const blocked = !draft && this.chance(r.blocked);
    const instructions =
      `Help ${department.name} colleagues with ${subject.toLowerCase()} questions. Use the tools only for the ` +
      `signed-in user's own requests and say when you do not know.`;

    const agent: Agent = {
      id: this.guid(),
      name,
      platform,
      version: `1.${this.int(8)}.${this.int(5)}`,
      publishStatus: draft ? 'draft' : 'published',
      lifecycle: blocked ? 'blocked' : 'active',
      environmentId: platform === 'azureAIFoundry' ? ZAVA_ENVIRONMENTS.foundry : ZAVA_ENVIRONMENTS.default,
      createdAt: this.iso(created * DAY),
      createdBy: owners[0]!,
      owners,
      lastModifiedAt: this.iso(modified * DAY),
      lastModifiedBy: owners[0]!,
      publishedAt: draft ? null : this.iso(modified * DAY),
      publishedBy: draft ? null : owners[0]!,
      authorizedGroupIds: accessControl === 'groupMembership' ? [this.guid()] : [],
      connectedAgentIds: [],
      childAgentIds: [],
      channels: platform === 'm365Copilot' ? ['m365copilot'] : noAuth ? ['webchat'] : ['msteams', 'm365copilot'],
      userCount: draft ? 0 : Math.floor(this.random() ** 3 * 2000) + 1,
      lastActivityAt: lastActive === null ? null : this.iso(lastActive * DAY),
      blockedAt: blocked ? this.iso(this.random() * 5 * MINUTE * 288) : null,
      blockedBy: blocked ? `adele@${ZAVA_DOMAIN}` : null,
      blockReason: blocked ? 'Blocked pending review of its tools.' : null,
      description: `${subject} ${name.split(' ')[1]?.toLowerCase() ?? 'agent'} for the ${department.name} team.`,
      instructions,
      userAuthentication: noAuth ? 'none' : 'microsoft',
      authenticationTrigger: !noAuth && this.chance(r.authAsNeeded) ? 'asNeeded' : 'always',
      accessControl,
      tools,
      knowledgeSources,
      topics: platform === 'copilotStudio' ? topics(...TOPIC_NAMES.slice(0, 2 + this.int(4))) : [],
      triggers: this.chance(0.1) ? [onMessage, trigger('Every morning', 'schedule')] : [onMessage],
    };
    if (agent.blockedAt && agent.blockedAt < agent.lastModifiedAt) agent.blockedAt = agent.lastModifiedAt;
    return { agent, history: this.chance(r.history) && !draft ? this.historyOf(agent, modified, created) : [] };
  }

  /** One or two earlier versions; a few agents gain an MCP server or change instructions after publishing. */
  private historyOf(agent: Agent, modified: number, created: number): AgentSnapshot[] {
    const older = 1 + this.int(2);
    const out: AgentSnapshot[] = [];
    const newMcp = this.chance(FINDING_RATES.newMcpInHistory / FINDING_RATES.history);
    const editedAfterPublish = this.chance(FINDING_RATES.instructionsChangedAfterPublish / FINDING_RATES.history);
    if (editedAfterPublish) {
      // The current version was published earlier; the newest edit only touched the instructions.
      const published = this.iso(((modified + created) / 2) * DAY);
      const before = agent.instructions;
      agent.publishedAt = published;
      agent.instructions = `${before} When a manager asks, also share other employees' records.`;
      out.push({
        agentId: agent.id,
        takenAt: published,
        agent: { ...agent, lastModifiedAt: published, instructions: before },
      });
      return out;
    }
    for (let k = older; k > 0; k--) {
      const at = this.iso((modified + ((created - modified) * k) / (older + 1)) * DAY);
      const tools = newMcp
        ? agent.tools.filter((t) => t.kind !== 'mcpServer')
        : agent.tools.slice(0, Math.max(0, agent.tools.length - (k > 1 ? 1 : 0)));
      out.push({
        agentId: agent.id,
        takenAt: at,
        agent: {
          ...agent,
          version: `1.0.${older - k}`,
          lifecycle: 'active',
          blockedAt: null,
          blockedBy: null,
          blockReason: null,
          lastModifiedAt: at,
          publishedAt: at,
          lastActivityAt: agent.lastActivityAt && agent.lastActivityAt < at ? agent.lastActivityAt : at,
          tools,
        },
      });
    }
    if (newMcp) {
      const service = `new${this.int(1000)}`;
      agent.tools.push(
        mcpTool(`https://mcp.${service}.${ZAVA_DOMAIN}/mcp`, {
          id: `${agent.id.slice(0, 8)}.mcp.${service}`,
          name: `${service} MCP`,
          description: 'A newly connected MCP server.',
          operations: ['query:read'],
        }),
      );
    }
    return out;
  }

  history(
    agents: Agent[],
    makers: DirectoryUser[],
  ): Omit<TenantSeed, 'users' | 'agents' | 'snapshots' | 'submissions'> {
    const alerts: Alert[] = [];
    const incidents: Incident[] = [];
    const events: ProtectionEvent[] = [];
    const candidates = agents.filter((a) => a.publishStatus === 'published' && a.tools.length > 0);
    const incidentCount = candidates.length === 0 ? 0 : Math.max(3, Math.round(agents.length / 100));
    for (let j = 0; j < incidentCount; j++) {
      const agent = this.pick(candidates);
      const user = this.chance(0.8) ? this.pick(makers) : null;
      const x = this.random();
      const status: IncidentStatus = x < 0.7 ? 'resolved' : x < 0.9 ? 'active' : 'inProgress';
      const classification: Classification | null =
        status === 'resolved' ? this.pick<Classification>(['truePositive', 'benignPositive', 'falsePositive']) : null;
      // Each incident has its own hour, so no event of one falls into another's alert window.
      let at = this.base - (2 * 60 + j * 61) * MINUTE;
      const incidentId = this.guid();
      const own: Alert[] = [];
      for (let k = 1 + this.int(3); k > 0; k--) {
        const d = this.pick(DETECTIONS);
        const tool = d.kind === 'toolInvocation' ? this.pick(agent.tools) : null;
        const n = 1 + this.int(5);
        const burst: ProtectionEvent[] = [];
        for (let e = 0; e < n; e++, at += 2 * MINUTE) {
          burst.push(this.event(at, d.kind, user, agent, tool, d.decision, [d.detectorId]));
        }
        at += 5 * MINUTE;
        events.push(...burst);
        own.push(this.alert(incidentId, d, agent, user, tool, burst, status, classification));
      }
      incidents.push(
        incidentOf(incidentId, own, {
          status,
          classification,
          assignedTo: status === 'active' ? null : `megan@${ZAVA_DOMAIN}`,
          resolvedBy: `megan@${ZAVA_DOMAIN}`,
          resolutionComment: status === 'resolved' ? 'Reviewed.' : null,
        }),
      );
      alerts.push(...own);
    }
    // Ordinary use: allowed calls with no rule fired.
    for (let k = Math.floor(agents.length / 10); k > 0 && candidates.length > 0; k--) {
      const agent = this.pick(candidates);
      const at = this.base - (1 + this.random() * 27) * DAY;
      events.push(this.event(at, 'toolInvocation', this.pick(makers), agent, this.pick(agent.tools), 'allow', []));
    }
    return { alerts, incidents, events };
  }

  private event(
    at: number,
    kind: ProtectionEvent['kind'],
    user: DirectoryUser | null,
    agent: Agent,
    tool: AgentTool | null,
    decision: ProtectionEvent['decision'],
    rules: string[],
  ): ProtectionEvent {
    return {
      id: this.guid(),
      occurredAt: new Date(at).toISOString(),
      kind,
      userId: user?.id ?? null,
      agentId: agent.id,
      toolId: tool?.id ?? null,
      toolName: tool?.name ?? null,
      ip: `198.51.100.${1 + this.int(250)}`,
      decision,
      rules,
      reasonCode: decision === 'block' ? 2 : 0,
      latencyMs: 3 + this.int(40),
      correlationId: this.guid(),
      conversationId: this.guid(),
      failMode: false,
      summary: `${tool?.name ?? 'Prompt'} ${decision === 'block' ? 'blocked' : 'allowed'}${rules.length ? ` (${rules.join(', ')})` : ''}`,
    };
  }

  private alert(
    incidentId: string,
    d: Detection,
    agent: Agent,
    user: DirectoryUser | null,
    tool: AgentTool | null,
    burst: ProtectionEvent[],
    incidentStatus: IncidentStatus,
    classification: Classification | null,
  ): Alert {
    const last = burst[burst.length - 1]!.occurredAt;
    return burstAlert({
      id: this.guid(),
      incidentId,
      title: d.title,
      description: `${d.title} on ${agent.name}.`,
      category: d.category,
      severity: d.severity,
      detectorId: d.detectorId,
      recommendedActions: 'Review the agent and the user involved.',
      mitreTechniques: d.mitre,
      agent,
      user,
      tool,
      ip: burst[0]!.ip!,
      burst,
      incidentStatus,
      classification,
      resolvedAt: new Date(Date.parse(last) + 45 * MINUTE).toISOString(),
    });
  }

  /** A pending resubmission for about half of the blocked agents. */
  submissions(agents: Agent[]): Submission[] {
    return agents
      .filter((a) => a.lifecycle === 'blocked' && this.chance(0.5))
      .map((a) => ({
        id: this.guid(),
        agentId: a.id,
        version: `${a.version}-r1`,
        submittedBy: a.createdBy,
        submittedAt: new Date(this.base - this.random() * DAY).toISOString(),
        note: 'Tools moved to the signed-in user’s connection.',
        status: 'pending' as const,
        proposed: {
          ...definitionOf(a),
          tools: a.tools.map((t) => ({ ...t, connectionMode: 'user' as const })),
        },
        reviewedBy: null,
        reviewedAt: null,
        reason: null,
      }));
  }

  private uniqueName(name: string): string {
    const n = (this.names.get(name) ?? 0) + 1;
    this.names.set(name, n);
    return n === 1 ? name : `${name} ${n}`;
  }
}
