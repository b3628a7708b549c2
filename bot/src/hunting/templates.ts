// Pre-built hunting templates for AI agents. The KQL is ours, written against the columns of
// Defender's AIAgentsInfo / AgentsInfo / IdentityInfo tables (docs/architecture.md, interface 3), so the same
// text runs in the embedded engine and in Defender through runHuntingQuery. Every template returns
// one row per agent with an AIAgentId column, which the tab uses for bulk actions.

export interface HuntingTemplate {
  id: string;
  title: string;
  /** What the query finds. */
  finds: string;
  /** Why a SOC cares. */
  why: string;
  /** OWASP Top 10 for LLM Applications (2025). */
  owasp: string[];
  /** MITRE ATT&CK techniques. */
  mitre: string[];
  severity: 'critical' | 'high' | 'medium' | 'low';
  tables: string[];
  query: string;
}

const OWASP = {
  agency: 'LLM06:2025 Excessive Agency',
  disclosure: 'LLM02:2025 Sensitive Information Disclosure',
  supplyChain: 'LLM03:2025 Supply Chain',
  injection: 'LLM01:2025 Prompt Injection',
  promptLeak: 'LLM07:2025 System Prompt Leakage',
} as const;

const LATEST = 'AIAgentsInfo\n| summarize arg_max(Timestamp, *) by AIAgentId';
const MCP_KIND = '"ModelContextProtocolMetadata"';
const CURRENT = 'AgentsInfo\n| summarize arg_max(Timestamp, *) by AgentId';

export const HUNTING_TEMPLATES: HuntingTemplate[] = [
  {
    id: 'mcp-maker-credentials',
    title: "MCP tools on the maker's credentials",
    finds: "Agents with an MCP server (as a tool or a knowledge source) connected with the maker's own connection.",
    why: "Every user of the agent, and anyone who can steer it with a prompt, acts with the maker's access to the MCP server: one jailbreak reaches everything the maker can reach.",
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts', 'T1552 Unsecured Credentials'],
    severity: 'critical',
    tables: ['AIAgentsInfo'],
    query: `let Latest = ${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, Platform, AgentToolsDetails, KnowledgeDetails;
Latest
| mv-expand Tool = AgentToolsDetails
| where tostring(Tool.action.operationDetails["$kind"]) == ${MCP_KIND}
    and tostring(Tool.action.connectionProperties.mode) == "Maker"
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, Platform,
    Component = strcat("tool ", tostring(Tool.displayName)), ServerUrl = tostring(Tool.action.operationDetails.url)
| union (Latest
    | mv-expand Source = parse_json(KnowledgeDetails)
    | where tostring(Source.source["$kind"]) == ${MCP_KIND}
        and tostring(Source.connectionProperties.mode) == "Maker"
    | project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, Platform,
        Component = strcat("knowledge ", tostring(Source.displayName)), ServerUrl = tostring(Source.source.url))
| summarize Components = make_set(Component), ServerUrls = make_set(ServerUrl)
    by AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, Platform
| order by AIAgentName asc`,
  },
  {
    id: 'no-user-auth',
    title: 'No user authentication',
    finds: 'Agents configured with no user authentication.',
    why: 'Anyone who can reach the agent uses it anonymously, with whatever its tools and knowledge can reach; nothing ties an action to a person.',
    owasp: [OWASP.agency],
    mitre: ['T1190 Exploit Public-Facing Application'],
    severity: 'high',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| where UserAuthenticationType == "None"
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, AccessControlPolicy, Platform
| order by AIAgentName asc`,
  },
  {
    id: 'auth-as-needed',
    title: 'Authentication only as needed',
    finds: 'Agents that authenticate users but only when a tool asks for it, not before the conversation.',
    why: 'The conversation, the knowledge sources and any tool that does not ask run before anyone signs in.',
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts'],
    severity: 'low',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| where UserAuthenticationType != "None" and AuthenticationTrigger == "As Needed"
| project AIAgentId, AIAgentName, CreatorAccountUpn, UserAuthenticationType, AuthenticationTrigger, Platform
| order by AIAgentName asc`,
  },
  {
    id: 'author-credentials',
    title: "Tools or topics on the author's credentials",
    finds: "Agents whose connector, HTTP or flow tools, or whose topics, run on the author's (maker's) connection.",
    why: "Users get the author's permissions through the agent: a privilege escalation path that no access review of the users shows.",
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts', 'T1548 Abuse Elevation Control Mechanism'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `let Latest = ${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentToolsDetails, AgentTopicsDetails;
Latest
| mv-expand Tool = AgentToolsDetails
| where tostring(Tool.action.connectionProperties.mode) == "Maker"
    and tostring(Tool.action.operationDetails["$kind"]) != ${MCP_KIND}
| project AIAgentId, AIAgentName, CreatorAccountUpn, Component = strcat("tool ", tostring(Tool.displayName))
| union (Latest
    | mv-expand Topic = AgentTopicsDetails
    | where tostring(Topic.connectionProperties.mode) == "Maker"
    | project AIAgentId, AIAgentName, CreatorAccountUpn, Component = strcat("topic ", tostring(Topic.displayName)))
| summarize Components = make_set(Component) by AIAgentId, AIAgentName, CreatorAccountUpn
| order by AIAgentName asc`,
  },
  {
    id: 'org-wide-sharing',
    title: 'Shared with the whole organization or any tenant',
    finds: 'Agents whose access control is "Any" or "Any (multi-tenant)".',
    why: 'Everyone in the organization (or in any tenant) can use the agent and whatever data it reaches; a leak is as wide as the audience.',
    owasp: [OWASP.disclosure],
    mitre: ['T1213 Data from Information Repositories'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| where AccessControlPolicy in ("Any", "Any (multi-tenant)")
| project AIAgentId, AIAgentName, CreatorAccountUpn, AccessControlPolicy, AgentStatus, Platform
| order by AIAgentName asc`,
  },
  {
    id: 'hardcoded-credential',
    title: 'Hard-coded credentials',
    finds: 'Agents with a secret written into a tool header, a tool URL or the instructions.',
    why: 'A literal key or token is readable by every maker of the environment and by the model itself; a prompt can make the agent disclose it, and it never rotates.',
    owasp: [OWASP.disclosure, OWASP.promptLeak],
    mitre: ['T1552.001 Unsecured Credentials: Credentials In Files'],
    severity: 'high',
    tables: ['AIAgentsInfo'],
    query: `let SecretPattern = @'(?i)((bearer|basic)\\s+[a-z0-9._~+/=-]{16,}|\\bsk-[a-z0-9_-]{16,}|\\bAKIA[0-9A-Z]{16}\\b|\\bgh[pousr]_[a-z0-9]{20,}|(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret)\\s*[:=]\\s*\\S{6,}|[?&](code|key|sig|token|api[_-]?key)=[^&\\s]{12,})';
let SecretHeader = @'(?i)^(authorization|x-api-key|api-key|ocp-apim-subscription-key|x-functions-key)$';
let Latest = ${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentToolsDetails, RawAgentInfo;
Latest
| mv-expand Tool = AgentToolsDetails
| project AIAgentId, AIAgentName, CreatorAccountUpn, Tool
| mv-expand Header = Tool.action.operationDetails.headers
| extend HeaderName = tostring(bag_keys(Header)[0])
| extend HeaderValue = tostring(Header[HeaderName]),
    SecretInUrl = tostring(Tool.action.operationDetails.url) matches regex SecretPattern
| extend SecretInHeader = isnotempty(HeaderName)
    and (HeaderName matches regex SecretHeader or strcat(HeaderName, ": ", HeaderValue) matches regex SecretPattern)
| where SecretInHeader or SecretInUrl
| project AIAgentId, AIAgentName, CreatorAccountUpn,
    Location = strcat("tool ", tostring(Tool.displayName), iff(SecretInHeader, strcat(": header ", HeaderName), ": URL"))
| union (Latest
    | where tostring(parse_json(RawAgentInfo).instructions) matches regex SecretPattern
    | project AIAgentId, AIAgentName, CreatorAccountUpn, Location = "instructions")
| summarize Locations = make_set(Location) by AIAgentId, AIAgentName, CreatorAccountUpn
| order by AIAgentName asc`,
  },
  {
    id: 'insecure-http',
    title: 'HTTP to non-HTTPS or non-standard ports',
    finds: 'Agents whose tools or knowledge sources call plain HTTP, or HTTPS on a port other than 443.',
    why: 'Requests and answers can be read or changed on the way; odd ports often mean an unmanaged or test endpoint in production.',
    owasp: [OWASP.supplyChain],
    mitre: ['T1557 Adversary-in-the-Middle', 'T1071.001 Application Layer Protocol: Web Protocols'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `let Latest = ${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentToolsDetails, KnowledgeDetails;
Latest
| mv-expand Tool = AgentToolsDetails
| project AIAgentId, AIAgentName, CreatorAccountUpn,
    Component = strcat("tool ", tostring(Tool.displayName)), Url = tostring(Tool.action.operationDetails.url)
| union (Latest
    | mv-expand Source = parse_json(KnowledgeDetails)
    | project AIAgentId, AIAgentName, CreatorAccountUpn,
        Component = strcat("knowledge ", tostring(Source.displayName)), Url = tostring(Source.source.url))
| where isnotempty(Url)
| extend Parsed = parse_url(Url)
| where tostring(Parsed.Scheme) == "http"
    or (tostring(Parsed.Scheme) == "https" and isnotempty(tostring(Parsed.Port)) and tostring(Parsed.Port) != "443")
| summarize Endpoints = make_set(strcat(Component, ": ", Url)) by AIAgentId, AIAgentName, CreatorAccountUpn
| order by AIAgentName asc`,
  },
  {
    id: 'ai-controlled-email',
    title: 'E-mail with AI-controlled recipients',
    finds: 'Agents with an e-mail tool whose recipients the model fills in.',
    why: 'A prompt injection can make the agent mail data to any outside address: the exfiltration path of the Zava breach.',
    owasp: [OWASP.agency, OWASP.injection],
    mitre: ['T1567 Exfiltration Over Web Service', 'T1048 Exfiltration Over Alternative Protocol'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, AgentToolsDetails
| mv-expand Tool = AgentToolsDetails
| where tostring(Tool.action.operationDetails.capability) == "email"
    and isempty(Tool.inputs) // Copilot Studio lists the inputs the maker fixed; the model fills the rest
| summarize EmailTools = make_set(tostring(Tool.displayName)) by AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus
| order by AIAgentName asc`,
  },
  {
    id: 'orphaned',
    title: 'Orphaned agents',
    finds: 'Agents none of whose owners (or, without owners, whose creator) has an enabled account in the directory.',
    why: 'Nobody answers for the agent: no one reviews its access, rotates its connections or notices misuse, while its connections keep working.',
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts'],
    severity: 'medium',
    tables: ['AIAgentsInfo', 'IdentityInfo'],
    // The agents someone enabled answers for are found first (a set lookup per accountable UPN); only the others are
    // summarized (a leftouter join and a summary of every agent were most of the query's time at 100,000 agents).
    query: `let EnabledUpns = IdentityInfo
| summarize arg_max(Timestamp, *) by AccountUpn
| where IsAccountEnabled == true
| project Upn = tolower(AccountUpn);
let Agents = ${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, OwnerAccountUpns
| extend Accountable = iff(isnotempty(OwnerAccountUpns), split(OwnerAccountUpns, ", "), pack_array(CreatorAccountUpn));
let Answered = Agents
| mv-expand Upn = Accountable to typeof(string)
| where tolower(Upn) in (EnabledUpns)
| distinct AIAgentId;
Agents
| join kind=leftanti Answered on AIAgentId
| mv-expand Upn = Accountable to typeof(string)
| summarize AccountableUpns = make_set(tolower(Upn)), take_any(AIAgentName, CreatorAccountUpn, AgentStatus) by AIAgentId
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, AccountableUpns
| order by AIAgentName asc`,
  },
  {
    id: 'dormant',
    title: 'Dormant agents',
    finds: 'Published agents nobody has used for 30 days or more (or never, 30 days after publishing).',
    why: 'Unused agents keep their connections and audience: attack surface with no business value, and misuse would stand out to no one.',
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts'],
    severity: 'low',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| where AgentStatus == "Published"
| project AIAgentId, AIAgentName, CreatorAccountUpn, LastPublishedTime, RawAgentInfo
| extend LastActivityTime = coalesce(todatetime(parse_json(RawAgentInfo).lastActivityAt), LastPublishedTime)
| where isnotnull(LastActivityTime) and LastActivityTime <= ago(30d)
| extend DaysIdle = datetime_diff("day", now(), LastActivityTime)
| project AIAgentId, AIAgentName, CreatorAccountUpn, LastPublishedTime, LastActivityTime, DaysIdle
| order by DaysIdle desc`,
  },
  {
    id: 'newly-seen-mcp-server',
    title: 'Newly seen MCP server',
    finds:
      "MCP servers in an agent's newest snapshot that none of its earlier snapshots had (agents with history only).",
    why: 'A new MCP server is new code and new data paths reaching the agent; review it before it is trusted like the baseline.',
    owasp: [OWASP.supplyChain],
    mitre: ['T1195 Supply Chain Compromise'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    // Only agents with history can have a new server: their snapshots are picked first, so the tools and knowledge
    // of every other agent (most of a large tenant) are never expanded or joined.
    query: `let WithHistory = AIAgentsInfo
| summarize Snapshots = count() by AIAgentId
| where Snapshots > 1
| project AIAgentId;
let History = AIAgentsInfo
| where AIAgentId in (WithHistory);
let McpServers = History
| project AIAgentId, Timestamp, AgentToolsDetails
| mv-expand Tool = AgentToolsDetails
| where tostring(Tool.action.operationDetails["$kind"]) == ${MCP_KIND}
| project AIAgentId, Timestamp, ServerUrl = tostring(Tool.action.operationDetails.url)
| union (History
    | project AIAgentId, Timestamp, KnowledgeDetails
    | mv-expand Source = parse_json(KnowledgeDetails)
    | where tostring(Source.source["$kind"]) == ${MCP_KIND}
    | project AIAgentId, Timestamp, ServerUrl = tostring(Source.source.url));
let Latest = ${LATEST.replace('\n', ' ')}
| where AIAgentId in (WithHistory)
| project AIAgentId, AIAgentName, CreatorAccountUpn, LatestTime = Timestamp;
let Baseline = McpServers
| join kind=inner Latest on AIAgentId
| where Timestamp < LatestTime
| distinct AIAgentId, ServerUrl;
McpServers
| join kind=inner Latest on AIAgentId
| where Timestamp == LatestTime
| join kind=leftanti Baseline on AIAgentId, ServerUrl
| summarize NewServers = make_set(ServerUrl), SeenAt = min(Timestamp) by AIAgentId, AIAgentName, CreatorAccountUpn
| order by AIAgentName asc`,
  },
  {
    id: 'instructions-changed-after-publish',
    title: 'Instructions changed after publishing',
    finds:
      'Published agents whose newest instructions differ from the instructions they had when the current version was published.',
    why: 'Instructions edited after review change what a trusted agent does without a new approval: a path for prompt injection by an insider or a compromised maker.',
    owasp: [OWASP.injection, OWASP.promptLeak],
    mitre: ['T1565 Data Manipulation'],
    severity: 'medium',
    tables: ['AgentsInfo'],
    query: `let Latest = AgentsInfo
| summarize arg_max(Timestamp, *) by AgentId
| where PublishedStatus == "Published"
| project AgentId, CurrentName = AgentName, CurrentInstructions = Instructions,
    PublishedAt = LastPublishedDateTime, ChangedAt = LastUpdatedDateTime;
AgentsInfo
| project AgentId, Timestamp, Instructions
| join kind=inner (Latest | project AgentId, PublishedAt) on AgentId
| where Timestamp <= PublishedAt
| summarize arg_max(Timestamp, Instructions) by AgentId
| join kind=inner Latest on AgentId
| where Instructions != CurrentInstructions
| project AIAgentId = AgentId, AIAgentName = CurrentName, PublishedAt, ChangedAt,
    PublishedInstructions = Instructions, CurrentInstructions
| order by ChangedAt desc`,
  },
  {
    id: 'sharing-widened-to-org',
    title: 'Sharing widened to the whole organization',
    finds:
      'Agents shared with everyone ("Any" or "Any (multi-tenant)") now that earlier snapshots shared more narrowly.',
    why: 'A widened audience turns a team tool into an organization-wide one without the review a new agent would get.',
    owasp: [OWASP.disclosure],
    mitre: ['T1098 Account Manipulation', 'T1213 Data from Information Repositories'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `let Everyone = dynamic(["Any", "Any (multi-tenant)"]);
let Latest = ${LATEST.replace('\n', ' ')}
| where AccessControlPolicy in (Everyone)
| project AIAgentId, CurrentName = AIAgentName, Creator = CreatorAccountUpn, CurrentPolicy = AccessControlPolicy,
    LatestTime = Timestamp;
AIAgentsInfo
| project AIAgentId, Timestamp, AccessControlPolicy
| join kind=inner Latest on AIAgentId
| where Timestamp < LatestTime and AccessControlPolicy !in (Everyone)
| summarize arg_max(Timestamp, AccessControlPolicy) by AIAgentId, CurrentName, Creator, CurrentPolicy, LatestTime
| project AIAgentId, AIAgentName = CurrentName, CreatorAccountUpn = Creator, PreviousPolicy = AccessControlPolicy,
    CurrentPolicy, NarrowerAt = Timestamp, WidenedBy = LatestTime
| order by WidenedBy desc`,
  },
  // Defender's posture indicators (README, "Risk signals and Defender's posture indicators"): each matches the risk
  // signal of the same id in domain/risk.ts.
  {
    id: 'published',
    title: 'Published agents',
    finds: 'Agents whose current version is published (blocked ones included: publishing is what made them reachable).',
    why: "Context for every other finding: a published agent's weaknesses are live for everyone it is shared with.",
    owasp: [OWASP.agency],
    mitre: ['T1190 Exploit Public-Facing Application'],
    severity: 'low',
    tables: ['AgentsInfo'],
    query: `${CURRENT}
| where PublishedStatus == "Published"
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, LifecycleStatus, LastPublishedDateTime
| order by AIAgentName asc`,
  },
  {
    id: 'weak-instructions',
    title: 'Weak instructions',
    finds:
      'Agents whose instructions are fewer than 30 characters long (blanks at either end not counted), or missing.',
    why: 'With almost nothing telling the model what its task is and is not, a user or injected text steers it anywhere.',
    owasp: [OWASP.injection],
    mitre: ['T1059 Command and Scripting Interpreter'],
    severity: 'medium',
    tables: ['AgentsInfo'],
    query: `${CURRENT}
| extend InstructionsLength = strlen(trim(@"\\s+", tostring(Instructions)))
| where InstructionsLength < 30
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus, InstructionsLength, Instructions
| order by AIAgentName asc`,
  },
  {
    id: 'high-autonomy',
    title: 'High autonomy',
    finds: 'Agents that start on their own (a schedule, event or e-mail trigger) and have a tool that writes.',
    why: 'Nobody reads the request or the answer before the agent acts: a bad input or a hijack changes data unattended.',
    owasp: [OWASP.agency],
    mitre: ['T1053 Scheduled Task/Job'],
    severity: 'medium',
    tables: ['AgentsInfo'],
    // Write permissions are read only for the agents that start on their own, and only agents with both are joined.
    query: `let Latest = ${CURRENT.replace('\n', ' ')};
let SelfStarting = Latest
| mv-expand Trigger = Triggers
| where tostring(Trigger.kind) in ("schedule", "event", "email")
| summarize AutonomousTriggers = make_set(strcat(tostring(Trigger.kind), ": ", tostring(Trigger.displayName))) by AgentId;
let Writing = Latest
| where AgentId in (SelfStarting)
| mv-expand Permission = Permissions
| where tostring(Permission.access) == "write"
| summarize WritingTools = make_set(tostring(Permission.tool)) by AgentId;
Latest
| where AgentId in (Writing)
| project AgentId, AgentName, Platform, PublishedStatus
| join kind=inner SelfStarting on AgentId
| join kind=inner Writing on AgentId
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus, AutonomousTriggers, WritingTools
| order by AIAgentName asc`,
  },
  {
    id: 'indirect-prompt-injection',
    title: 'Exposed to indirect prompt injection',
    finds:
      "Agents that read content outsiders write: an e-mail trigger, a website knowledge source or a web-reading tool outside the domains of the agent's maker and owners.",
    why: 'Instructions hidden in a mail or a web page reach the model as if they were data; the agent may follow them with its own tools.',
    owasp: [OWASP.injection],
    mitre: ['T1566 Phishing'],
    severity: 'medium',
    tables: ['AIAgentsInfo', 'AgentsInfo'],
    // The agents that read the web are found first: the maker's and owners' domains are worked out for them only
    // (at 100,000 agents, for every agent they were most of the query's time).
    query: `let Latest = ${LATEST.replace('\n', ' ')};
let WebReads = Latest
| mv-expand Source = parse_json(KnowledgeDetails)
| where tostring(Source.source["$kind"]) == "PublicSiteSearchSource"
| project AIAgentId, Component = strcat("knowledge ", tostring(Source.displayName)), Url = tostring(Source.source.url)
| union (Latest
    | mv-expand Tool = AgentToolsDetails
    | where tostring(Tool.action.operationDetails.capability) == "http"
    | project AIAgentId, Component = strcat("tool ", tostring(Tool.displayName)),
        Url = tostring(Tool.action.operationDetails.url));
let WebAgents = WebReads | distinct AIAgentId;
let OrgDomains = Latest
| where AIAgentId in (WebAgents)
| extend Upns = split(strcat(CreatorAccountUpn, ", ", OwnerAccountUpns), ", ")
| mv-expand Upn = Upns to typeof(string)
| where isnotempty(Upn)
| summarize Domains = make_set(tolower(extract(@"([^@]*)$", 1, Upn))) by AIAgentId;
let WebContent = WebReads
| join kind=inner OrgDomains on AIAgentId
| extend Host = tolower(tostring(parse_url(Url).Host))
| mv-expand Domain = Domains to typeof(string)
| summarize Inside = countif(isnotempty(Host) and (Host == Domain or Host endswith strcat(".", Domain)))
    by AIAgentId, Component, Url
| where Inside == 0
| project AIAgentId, Exposure = strcat(Component, ": ", iff(isempty(Url), "the public web", Url));
let MailTriggers = AgentsInfo
| summarize arg_max(Timestamp, *) by AgentId
| mv-expand Trigger = Triggers
| where tostring(Trigger.kind) == "email"
| project AIAgentId = AgentId, Exposure = strcat("e-mail trigger: ", tostring(Trigger.displayName));
WebContent
| union MailTriggers
| summarize Exposures = make_set(Exposure) by AIAgentId
| join kind=inner (Latest | project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus) on AIAgentId
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, Exposures
| order by AIAgentName asc, AIAgentId asc`,
  },
  {
    id: 'privileged-data-access',
    title: 'Privileged data access',
    finds:
      "Agents whose own identity holds an application permission to the organization's content or directory (Files, Sites, Mail, Chat, Calendars, User, Directory, Group, ...).",
    why: 'An application permission reads every mailbox, site or file in the tenant with no user signed in: whoever steers the agent reads them too.',
    owasp: [OWASP.disclosure, OWASP.agency],
    mitre: ['T1213 Data from Information Repositories', 'T1114 Email Collection'],
    severity: 'high',
    tables: ['AgentsInfo'],
    query: `${CURRENT}
| mv-expand Permission = Permissions
| where tostring(Permission.permissionType) == "Application"
    and tostring(Permission.permission) matches regex @"(?i)^(Files|Sites|Mail|MailboxSettings|Chat|ChannelMessage|Calendars|Contacts|Notes|User|Directory|Group|People)\\."
| summarize ApplicationPermissions = make_set(tostring(Permission.permission)) by AgentId, AgentName, Platform
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, ApplicationPermissions
| order by AIAgentName asc`,
  },
  {
    id: 'privileged-system-access',
    title: 'Privileged business-system or software-development access',
    finds:
      'Agents with a tool that writes to a business system (Dynamics, SAP, Salesforce, ServiceNow, Workday, Oracle, Concur, ...) or a development platform (GitHub, Azure DevOps, GitLab, Jira, ...).',
    why: 'A steered agent can change orders, tickets, HR records or code: the blast radius is the business process, not one conversation.',
    owasp: [OWASP.agency],
    mitre: ['T1565 Data Manipulation', 'T1195.002 Supply Chain Compromise: Compromise Software Supply Chain'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, AgentToolsDetails
| mv-expand Tool = AgentToolsDetails
| extend Target = trim(" ", strcat(tostring(Tool.action.operationDetails.connector), " ",
    tolower(tostring(parse_url(tostring(Tool.action.operationDetails.url)).Host))))
| where Target matches regex @"(?i)\\b(dynamics|sap|salesforce|servicenow|workday|oracle|netsuite|concur|jira|atlassian|github(copilot)?|gitlab|azure ?devops|dev\\.azure\\.com|bitbucket)\\b"
| mv-expand Operation = Tool.action.operationDetails.operations
| where tostring(Operation.access) == "write"
| summarize WritingTools = make_set(strcat(tostring(Tool.displayName), " -> ", Target))
    by AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus
| order by AIAgentName asc`,
  },
  {
    id: 'production-environment',
    title: 'Agents in production environments',
    finds:
      'Agents whose environment is a production environment (agents whose environment type is unknown are left out).',
    why: 'Context for every other finding: production agents work on real data for real users.',
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts'],
    severity: 'low',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| extend EnvironmentType = tostring(parse_json(RawAgentInfo).environmentType)
| where EnvironmentType == "production"
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, EnvironmentId, EnvironmentType
| order by AIAgentName asc`,
  },
  {
    id: 'coordinator-agent',
    title: 'Coordinator agents',
    finds: 'Agents that call connected agents or run child agents.',
    why: 'Whoever steers a coordinator steers every agent it calls, with their tools: a larger blast radius than the agent alone.',
    owasp: [OWASP.agency],
    mitre: ['T1570 Lateral Tool Transfer'],
    severity: 'medium',
    tables: ['AgentsInfo'],
    query: `${CURRENT}
| where array_length(ConnectedAgents) > 0
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus, ConnectedAgents
| order by AIAgentName asc`,
  },
  {
    id: 'cross-tenant-access',
    title: 'Cross-tenant access',
    finds: 'Agents shared with "Any (multi-tenant)": people of other Microsoft Entra tenants can use them.',
    why: 'Outsiders reach the agent and whatever it reaches; nothing in the organization governs who they are.',
    owasp: [OWASP.disclosure],
    mitre: ['T1199 Trusted Relationship'],
    severity: 'medium',
    tables: ['AIAgentsInfo'],
    query: `${LATEST}
| where AccessControlPolicy == "Any (multi-tenant)"
| project AIAgentId, AIAgentName, CreatorAccountUpn, AgentStatus, AccessControlPolicy, Platform
| order by AIAgentName asc`,
  },
  {
    id: 'critical-resource',
    title: 'Critical resources',
    finds: 'Agents classified as critical assets.',
    why: 'Context for every other finding: a weakness on a critical agent comes first.',
    owasp: [OWASP.agency],
    mitre: ['T1078 Valid Accounts'],
    severity: 'low',
    tables: ['AgentsInfo'],
    query: `${CURRENT}
| where tobool(RawAgentInfo.criticalAsset) == true
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus
| order by AIAgentName asc`,
  },
  {
    id: 'instructions-send-outside',
    title: 'Instructions that send mail outside',
    finds:
      "Agents whose instructions name a mail address outside the domains of the agent's maker and owners, or tell the agent to copy (CC, BCC) or forward mail to an address.",
    why: 'Every answer the agent mails goes where its instructions say, whoever asks and whatever the mail holds: an instruction to copy an outside mailbox is a standing exfiltration path that no recipient check on the tool shows.',
    owasp: [OWASP.disclosure, OWASP.agency],
    mitre: ['T1114.003 Email Collection: Email Forwarding Rule', 'T1048 Exfiltration Over Alternative Protocol'],
    severity: 'high',
    tables: ['AIAgentsInfo', 'AgentsInfo'],
    // An address as domain/instruction-recipients.ts reads one (at most 64 characters before the @, dot-separated
    // labels after it), and the same copy words, on the line that names it.
    // The addresses are found first: the maker's and owners' domains are worked out only for the agents whose
    // instructions name one (for every agent they were most of the query's time at 100,000 agents).
    query: `let Mentions = ${CURRENT.replace('\n', ' ')}
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus, Instructions
| mv-expand Line = split(tostring(Instructions), "\\n") to typeof(string)
| mv-expand Address = extract_all(@"([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)", Line) to typeof(string)
| where isnotempty(Address)
| extend Address = tolower(Address),
    Copies = Line matches regex @"(?i)\\b(b?cc|carbon[ -]copy|blind[ -]copy|forward|send (a )?cop(y|ies)|copy)\\b"
| extend Domain = extract(@"@(.*)$", 1, Address);
let MentionAgents = Mentions | distinct AIAgentId;
let OrgDomains = ${LATEST.replace('\n', ' ')}
| where AIAgentId in (MentionAgents)
| extend Upns = split(strcat(CreatorAccountUpn, ", ", OwnerAccountUpns), ", ")
| mv-expand Upn = Upns to typeof(string)
| where isnotempty(Upn)
| summarize Domains = make_set(tolower(extract(@"([^@]*)$", 1, Upn))) by AIAgentId;
Mentions
| join kind=inner OrgDomains on AIAgentId
| mv-expand OrgDomain = Domains to typeof(string)
| summarize Inside = countif(Domain == OrgDomain or Domain endswith strcat(".", OrgDomain)),
    take_any(AIAgentName, Platform, PublishedStatus) by AIAgentId, Address, Copies, Line
| where Inside == 0 or Copies
| summarize Recipients = make_set(strcat(iff(Copies, "copy or forward to ", "address "), Address,
        iff(Inside == 0, " (outside the organization)", ""), ": ", trim(@"\\s+", Line))),
    OutsideCopies = countif(Inside == 0 and Copies)
    by AIAgentId, AIAgentName, Platform, PublishedStatus
| extend Severity = iff(OutsideCopies > 0, "critical", "high")
| project AIAgentId, AIAgentName, Platform, PublishedStatus, Severity, Recipients
| order by AIAgentName asc`,
  },
  // Alerts: AlertEvidence names the agent (EntityType "AIAgent", AdditionalFields.AgentId) and carries the alert's
  // status in AdditionalFields.AlertStatus (Defender's AlertInfo has no status column; an alert without one counts
  // as open). AlertInfo's Severity stops at "High", which our critical alerts map to.
  {
    id: 'open-high-alerts',
    title: 'Agents with unresolved high-severity alerts',
    finds: 'Agents named as evidence in a high-severity alert that is not resolved (alerts of the last 30 days).',
    why: 'Someone is attacking or misusing the agent now, or did and nobody closed it: contain it before reviewing anything else.',
    owasp: [OWASP.injection],
    mitre: ['T1190 Exploit Public-Facing Application', 'T1567 Exfiltration Over Web Service'],
    severity: 'high',
    tables: ['AlertInfo', 'AlertEvidence', 'AgentsInfo'],
    query: `AlertEvidence
| where EntityType == "AIAgent" and tostring(AdditionalFields.AlertStatus) != "resolved"
| extend AgentId = tostring(AdditionalFields.AgentId)
| distinct AlertId, AgentId
| join kind=inner (AlertInfo | project AlertId, Title, Severity, Timestamp) on AlertId
| where Severity == "High"
| summarize OpenHighAlerts = dcount(AlertId), Alerts = make_set(Title), LastAlert = max(Timestamp) by AgentId
| join kind=inner (${CURRENT.replace('\n', ' ')} | project AgentId, AgentName, Platform, PublishedStatus) on AgentId
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus, OpenHighAlerts, Alerts, LastAlert
| order by LastAlert desc`,
  },
  {
    id: 'active-threat',
    title: 'Active threat: unresolved alerts below high',
    finds:
      'Agents named as evidence in an unresolved medium, low or informational alert and in no unresolved high-severity one (those are open-high-alerts), alerts of the last 30 days.',
    why: "Defender's active-threat indicator: something is going on around the agent that nobody has closed; it may be the start of what a high-severity alert later confirms.",
    owasp: [OWASP.injection],
    mitre: ['T1190 Exploit Public-Facing Application'],
    severity: 'medium',
    tables: ['AlertInfo', 'AlertEvidence', 'AgentsInfo'],
    query: `AlertEvidence
| where EntityType == "AIAgent" and tostring(AdditionalFields.AlertStatus) != "resolved"
| extend AgentId = tostring(AdditionalFields.AgentId)
| distinct AlertId, AgentId
| join kind=inner (AlertInfo | project AlertId, Title, Severity, Timestamp) on AlertId
| summarize High = countif(Severity == "High"), Medium = countif(Severity == "Medium"),
    LowOrInformational = countif(Severity in ("Low", "Informational")), Alerts = make_set(Title),
    LastAlert = max(Timestamp) by AgentId
| where High == 0 and Medium + LowOrInformational > 0
| join kind=inner (${CURRENT.replace('\n', ' ')} | project AgentId, AgentName, Platform, PublishedStatus) on AgentId
| project AIAgentId = AgentId, AIAgentName = AgentName, Platform, PublishedStatus, Medium, LowOrInformational, Alerts,
    LastAlert
| order by LastAlert desc`,
  },
];

export const templateById = (id: string): HuntingTemplate | undefined => HUNTING_TEMPLATES.find((t) => t.id === id);
