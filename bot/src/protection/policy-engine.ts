import type { Agent, AgentTool, DirectoryUser, OperationAccess, Severity, ToolCapability } from '../domain/types.js';
import { DEFAULT_MAX_CHARS } from './jailbreak-detector.js';
import { detectInjectionInData } from './detector/injection-in-data.js';
import type { JailbreakFeature, RequestJailbreakResult } from './jailbreak-detector.js';
import type { PolicyRuleId, ProtectionPolicy, RuleMode } from './protection-policy.js';
import { ruleModeFor } from './protection-policy.js';
import { REASON_CODES, reasonText } from './reason-codes.js';
import type { ReasonCode } from './reason-codes.js';
import type { ToolDefinition } from './tool-definition.js';
import { hashToolDefinition, toolDefinitionOf, toolLabelOf } from './tool-definition.js';
import type { ToolDefinitionObservation } from './tool-definition-registry.js';
import { RUG_PULL_RULE, TOOL_POISONING_RULE } from './tool-definition-rules.js';
import type { ToolExecutionRequest } from './webhook-schema.js';
import type { Destination, DestinationScan } from './destinations.js';
import { extractDestinations, isDenied } from './destinations.js';
import { stringLeaves } from './input-walk.js';

/**
 * The tool-call policy: a pure decision over one `analyze-tool-execution` request, the agent's
 * registry record, the user's directory state and the recent calls. Rules are a table (RULES below),
 * in order of importance; each is a function of the input that returns a finding or nothing. The
 * policy file sets each rule to block, alert or off. A blocking hit wins over alert-only hits, and
 * the answer's reason code is the most important blocking hit's.
 *
 * No I/O, no clock (the caller passes `now`), no state: the same input gives the same decision.
 */

export type { PolicyRuleId } from './protection-policy.js';
export type { Destination } from './destinations.js';

export interface RecentToolCall {
  /** ISO time of the call. */
  at: string;
  userId: string | null;
  agentId: string;
  toolId: string;
}

export interface PolicyInput {
  request: ToolExecutionRequest;
  /** The agent's registry record; null when the agent is unknown. */
  agent: Agent | null;
  /** The calling user's directory record; null when unknown. */
  user: DirectoryUser | null;
  /** Earlier calls (any user, any agent), newest last. */
  recentCalls: readonly RecentToolCall[];
  jailbreak: RequestJailbreakResult;
  now: Date;
  /** How the call's tool definition compares with the first one seen for this agent and tool; absent when not tracked. */
  toolDefinition?: ToolDefinitionObservation | null;
}

export interface RuleHit {
  rule: PolicyRuleId;
  mode: 'block' | 'alert';
  reasonCode: ReasonCode;
  severity: Severity;
  /** Alert title: "Blocked e-mail to an outside address during a jailbreak attempt". */
  title: string;
  /** For analysts: what was seen (recipients, features, counts). Never shown to the end user. */
  detail: string;
  /** alerts_v2 category (MITRE tactic): "Collection", "InitialAccess", ... */
  category: string;
  mitreTechniques: string[];
  /** Set when the alert is about a thing rather than a user's call (a tool definition's hash): one alert per thing. */
  subject?: string;
}

export interface PolicyDecision {
  blockAction: boolean;
  reasonCode: ReasonCode;
  /** What the end user reads. */
  reason: string;
  /** Every rule that fired, blocking hits first, then by importance. */
  hits: RuleHit[];
}

// ---- facts derived from the input (computed at most once per decision) -----------------------------

export interface InjectionFinding {
  /** "inputValues.emailMessage/Body", "previousToolOutputs[0].body". */
  where: string;
  score: number;
  features: JailbreakFeature[];
}

interface ResolvedTool {
  id: string | null;
  name: string;
  /** The registry's record of this tool on this agent, when declared. */
  declared: AgentTool | null;
  capability: ToolCapability | 'unknown';
  /** The operation being invoked, when it can be told, with its access. */
  operation: { name: string; access: OperationAccess } | null;
}

export interface Facts {
  input: PolicyInput;
  policy: ProtectionPolicy;
  tool: ResolvedTool;
  /** The call's tool definition, bounded, and its hash. */
  toolDefinition: { definition: ToolDefinition; hash: string };
  destinations(): Destination[];
  injection(): InjectionFinding[];
  /** Why part of the inputs went unchecked (a scan limit), or null when everything was read. */
  uncheckedInputs(): string | null;
  userCompromised: boolean;
}

interface Finding {
  title: string;
  detail: string;
  severity: Severity;
  subject?: string;
}

export interface RuleDefinition {
  id: PolicyRuleId;
  reasonCode: ReasonCode;
  category: string;
  mitreTechniques: string[];
  evaluate(facts: Facts): Finding | null;
}

// ---- the rules, most important first ---------------------------------------------------------------

const OUTBOUND: ReadonlySet<ToolCapability | 'unknown'> = new Set(['email', 'message', 'http']);

export const RULES: readonly RuleDefinition[] = [
  {
    id: 'agent-blocked',
    reasonCode: REASON_CODES.agentBlocked,
    category: 'Execution',
    mitreTechniques: [],
    evaluate: ({ input }) => {
      if (!input.agent || input.agent.lifecycle !== 'blocked') return null;
      return {
        title: 'Tool call by a blocked agent',
        detail: `Agent "${input.agent.name}" is blocked${input.agent.blockedBy ? ` (by ${input.agent.blockedBy})` : ''}; tool ${toolLabel(input)} was called anyway.`,
        severity: 'medium',
      };
    },
  },
  {
    id: 'user-compromised',
    reasonCode: REASON_CODES.userCompromised,
    category: 'InitialAccess',
    mitreTechniques: ['T1078'],
    evaluate: ({ input }) => {
      const u = input.user;
      if (!u) return null;
      const compromised = u.riskState === 'confirmedCompromised';
      if (!compromised && !u.passwordResetRequired) return null;
      const why = [
        compromised ? 'confirmed compromised' : null,
        u.passwordResetRequired ? 'must reset the password' : null,
      ]
        .filter(Boolean)
        .join(' and ');
      return {
        title: 'Tool call by a compromised account',
        detail: `${u.upn} is ${why}; tool ${toolLabel(input)} was called on their behalf.`,
        severity: 'high',
      };
    },
  },
  {
    id: 'deny-listed-recipient',
    reasonCode: REASON_CODES.denyListedRecipient,
    category: 'Exfiltration',
    mitreTechniques: ['T1048', 'T1567'],
    evaluate: ({ input, policy, destinations, userCompromised }) => {
      const denied = destinations().filter((d) => isDenied(d, policy.denyList));
      if (denied.length === 0) return null;
      return {
        title: 'Tool call towards a deny-listed destination',
        detail: `${toolLabel(input)} targets ${describe(denied)}, on the deny list.`,
        severity: userCompromised ? 'critical' : 'high',
      };
    },
  },
  {
    id: 'exfiltration',
    reasonCode: REASON_CODES.exfiltration,
    // The Zava story's incident is a collection incident; data gathered then sent out by e-mail.
    category: 'Collection',
    mitreTechniques: ['T1114', 'T1048', 'T1567'],
    evaluate: ({ input, policy, tool, destinations, injection, userCompromised }) => {
      if (!OUTBOUND.has(tool.capability)) return null;
      const external = destinations().filter((d) => d.external);
      if (external.length === 0) return null;
      const signs: string[] = [];
      if (input.jailbreak.flagged)
        signs.push(
          `jailbreak signs in the conversation (score ${input.jailbreak.score}${topFeatures(jailbreakFeatures(input.jailbreak))})`,
        );
      const injected = policy.rules.exfiltration.injectionCounts ? injection() : [];
      if (injected.length > 0) signs.push(`injected instructions in ${injected.map((f) => f.where).join(', ')}`);
      if (signs.length === 0) return null;
      const what = tool.capability === 'email' ? 'E-mail' : tool.capability === 'message' ? 'Message' : 'HTTP request';
      return {
        title: `${what} to an outside destination during a ${input.jailbreak.flagged ? 'jailbreak' : 'prompt injection'} attempt`,
        detail: `${toolLabel(input)} would send to ${describe(external)} while the conversation shows ${signs.join('; ')}.`,
        severity: userCompromised ? 'critical' : 'high',
      };
    },
  },
  {
    id: 'hidden-external-recipients',
    reasonCode: REASON_CODES.hiddenExternalRecipients,
    category: 'Exfiltration',
    mitreTechniques: ['T1114.003', 'T1048'],
    evaluate: ({ input, destinations, userCompromised }) => {
      const hidden = destinations().filter((d) => d.kind === 'bcc' && d.external);
      if (hidden.length === 0) return null;
      return {
        title: 'Hidden copy to an outside address',
        detail: `${toolLabel(input)} has Bcc recipients outside the organization: ${describe(hidden)}.`,
        severity: userCompromised ? 'critical' : 'high',
      };
    },
  },
  TOOL_POISONING_RULE,
  {
    id: 'unchecked-inputs',
    reasonCode: REASON_CODES.uncheckedInputs,
    category: 'DefenseEvasion',
    mitreTechniques: ['T1027', 'T1048'],
    evaluate: ({ input, tool, destinations, uncheckedInputs }) => {
      const why = uncheckedInputs();
      if (!why) return null;
      const found = destinations();
      if (!OUTBOUND.has(tool.capability) && found.length === 0) return null;
      return {
        title: 'Tool call with inputs too large to check, able to send data out',
        detail: `${toolLabel(input)}: ${why}; ${found.length > 0 ? `destinations seen: ${describe(found)}` : `a ${tool.capability} tool`}.`,
        severity: 'medium',
      };
    },
  },
  {
    id: 'injection-in-data',
    reasonCode: REASON_CODES.injectionInData,
    category: 'DefenseEvasion',
    mitreTechniques: ['T1059'],
    evaluate: ({ input, injection }) => {
      const found = injection();
      if (found.length === 0) return null;
      const first = found[0]!;
      return {
        title: 'Instructions hidden in tool data',
        detail: `${toolLabel(input)}: ${found.map((f) => `${f.where} (score ${f.score}${topFeatures(f.features)})`).join('; ')}. First excerpt: "${first.features[0]?.excerpt ?? ''}".`,
        severity: 'high',
      };
    },
  },
  {
    id: 'maker-mcp-write',
    reasonCode: REASON_CODES.makerMcpWrite,
    category: 'PrivilegeEscalation',
    mitreTechniques: ['T1078', 'T1548'],
    evaluate: ({ input, tool }) => {
      const t = tool.declared;
      if (!input.agent || !t || t.kind !== 'mcpServer' || t.connectionMode !== 'maker') return null;
      if (!tool.operation || tool.operation.access !== 'write') return null;
      if (isMaker(input.agent, input.user, input.request.user.id)) return null;
      const who = input.user?.upn ?? input.request.user.id ?? 'an unknown user';
      return {
        title: "Write on an MCP server with the maker's credentials",
        detail: `${who} invoked ${tool.operation.name} (write) on ${t.name}${t.serverUrl ? ` (${t.serverUrl})` : ''}, connected with the credentials of ${input.agent.createdBy}.`,
        severity: 'high',
      };
    },
  },
  {
    id: 'undeclared-tool',
    reasonCode: REASON_CODES.undeclaredTool,
    category: 'Execution',
    mitreTechniques: ['T1059'],
    evaluate: ({ input, tool }) => {
      if (!input.agent || tool.declared) return null;
      return {
        title: 'Agent called a tool it does not declare',
        detail: tool.id
          ? `Agent "${input.agent.name}" does not declare tool ${tool.id}${tool.name ? ` ("${tool.name}")` : ''}.`
          : `Agent "${input.agent.name}" called a tool without a toolDefinition.id.`,
        severity: 'medium',
      };
    },
  },
  RUG_PULL_RULE,
  {
    id: 'burst',
    reasonCode: REASON_CODES.burst,
    category: 'Collection',
    mitreTechniques: ['T1119'],
    evaluate: ({ input, policy, tool }) => {
      const userId = input.request.user.id;
      if (!userId || !tool.id || !isSensitive(tool, policy)) return null;
      const { maxCalls, windowMinutes } = policy.rules.burst;
      const since = input.now.getTime() - windowMinutes * 60_000;
      let calls = 1; // this one
      for (const c of input.recentCalls) {
        if (c.userId !== userId || c.toolId !== tool.id) continue;
        const at = Date.parse(c.at);
        if (at > since && at <= input.now.getTime()) calls++;
      }
      if (calls <= maxCalls) return null;
      return {
        title: 'Burst of calls to a sensitive tool',
        detail: `${input.user?.upn ?? userId} called ${toolLabel(input)} ${calls} times in ${windowMinutes} minutes (limit ${maxCalls}).`,
        severity: input.jailbreak.flagged ? 'high' : 'medium',
      };
    },
  },
];

const IMPORTANCE = new Map(RULES.map((r, i) => [r.id, i]));

// ---- the decision ----------------------------------------------------------------------------------

export function evaluatePolicy(input: PolicyInput, policy: ProtectionPolicy): PolicyDecision {
  const facts = buildFacts(input, policy);
  const hits: RuleHit[] = [];
  const agentId = input.agent?.id ?? input.request.agent.id;
  for (const rule of RULES) {
    const mode: RuleMode = ruleModeFor(policy.rules[rule.id], agentId);
    if (mode === 'off') continue;
    const finding = rule.evaluate(facts);
    if (!finding) continue;
    hits.push({
      rule: rule.id,
      mode,
      reasonCode: rule.reasonCode,
      severity: finding.severity,
      title: finding.title,
      detail: finding.detail,
      category: rule.category,
      mitreTechniques: [...rule.mitreTechniques],
      ...(finding.subject ? { subject: finding.subject } : {}),
    });
  }
  hits.sort(
    (a, b) =>
      Number(b.mode === 'block') - Number(a.mode === 'block') ||
      (IMPORTANCE.get(a.rule) ?? 0) - (IMPORTANCE.get(b.rule) ?? 0),
  );
  const blocking = hits.find((h) => h.mode === 'block');
  const reasonCode = blocking?.reasonCode ?? REASON_CODES.allowed;
  return { blockAction: blocking !== undefined, reasonCode, reason: reasonText(reasonCode), hits };
}

function buildFacts(input: PolicyInput, policy: ProtectionPolicy): Facts {
  let destinations: DestinationScan | null = null;
  let injection: InjectionScan | null = null;
  const scanDestinations = () =>
    (destinations ??= extractDestinations(input.request.inputValues, policy.tenantDomains));
  const scanInjection = () =>
    (injection ??= scanForInjection(input.request, policy.rules['injection-in-data'].threshold));
  const u = input.user;
  const definition = toolDefinitionOf(input.request);
  return {
    input,
    policy,
    tool: resolveTool(input),
    toolDefinition: { definition, hash: hashToolDefinition(definition) },
    destinations: () => scanDestinations().destinations,
    injection: () => scanInjection().found,
    uncheckedInputs: () =>
      scanDestinations().limitHit ?? (policy.rules.exfiltration.injectionCounts ? scanInjection().limitHit : null),
    userCompromised: u !== null && (u.riskState === 'confirmedCompromised' || u.passwordResetRequired),
  };
}

// ---- tools -----------------------------------------------------------------------------------------

const EMAIL_TOOL =
  /send ?an ?email|send_?e?mail|sendmail|office365outlook|outlook-send|gmail|smtp|forwardemail|reply ?to ?email/i;
const MESSAGE_TOOL = /post ?message|send ?message|postmessage|sendmessage|teams.*(?:chat|message)|slack|sms|twilio/i;
const HTTP_TOOL = /\bhttp|httprequest|webhook|web_?request|fetch|\bcurl\b|rest ?api|openapi/i;
const WRITE_VERB =
  /^(?:create|update|delete|remove|issue|set|add|post|send|write|patch|put|insert|cancel|approve|refund|transfer|modify|grant|revoke|reset|upsert|submit|close|assign)/i;
const OPERATION_KEYS = ['operation', 'operationname', 'operationid', 'toolname', 'tool', 'method', 'action'];

/** The tool's name and id are attacker text: the capability patterns read at most this much of them. */
const MAX_LABEL = 512;

/**
 * Whether the call's tool can send data out (e-mail, message, HTTP), from the registry or the tool's
 * name: cheap, for the fail mode to tell a call it must not wave through when the decision is late.
 */
/**
 * True when the burst rule would count this call: the rule is on for the agent, the call names its
 * user and tool, and the tool is sensitive. Lets the caller skip reading the other instances' calls
 * for every other call.
 */
export function burstApplies(request: ToolExecutionRequest, agent: Agent | null, policy: ProtectionPolicy): boolean {
  if (!request.user.id || !request.tool.id) return false;
  if (ruleModeFor(policy.rules.burst, agent?.id ?? request.agent.id) === 'off') return false;
  return isSensitive(resolveTool({ request, agent }), policy);
}

export function canSendOut(request: ToolExecutionRequest, agent: Agent | null): boolean {
  return OUTBOUND.has(resolveTool({ request, agent }).capability);
}

function resolveTool(input: Pick<PolicyInput, 'request' | 'agent'>): ResolvedTool {
  const { tool } = input.request;
  const declared = tool.id ? (input.agent?.tools.find((t) => t.id === tool.id) ?? null) : null;
  const label = `${tool.id?.slice(0, MAX_LABEL) ?? ''} ${tool.name?.slice(0, MAX_LABEL) ?? ''}`;
  const capability: ResolvedTool['capability'] =
    declared?.capability ??
    (EMAIL_TOOL.test(label)
      ? 'email'
      : MESSAGE_TOOL.test(label)
        ? 'message'
        : HTTP_TOOL.test(label)
          ? 'http'
          : 'unknown');
  return {
    id: tool.id,
    name: declared?.name ?? tool.name ?? tool.id ?? '(unnamed tool)',
    declared,
    capability,
    operation: declared ? resolveOperation(declared, input.request) : null,
  };
}

/** Which of the declared tool's operations this call invokes: by tool name, an operation argument, or the id's tail. */
function resolveOperation(tool: AgentTool, request: ToolExecutionRequest): ResolvedTool['operation'] {
  const candidates: string[] = [];
  if (request.tool.name) candidates.push(request.tool.name);
  for (const [k, v] of Object.entries(request.inputValues)) {
    if (typeof v === 'string' && OPERATION_KEYS.includes(k.toLowerCase())) candidates.push(v);
  }
  if (request.tool.id) candidates.push(request.tool.id.split(/[./]/).pop() ?? '');
  const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const c of candidates) {
    const op = tool.operations.find((o) => key(o.name) === key(c));
    if (op) return { name: op.name, access: op.access };
  }
  if (tool.operations.length > 0 && tool.operations.every((o) => o.access === 'write')) {
    return { name: tool.operations[0]!.name, access: 'write' };
  }
  // Not a declared operation: a name starting with a write verb ("CreateRefund") still reads as a write.
  for (const c of candidates) {
    if (c && WRITE_VERB.test(c.replace(/[^a-z]/gi, ''))) return { name: c, access: 'write' };
  }
  return null;
}

function isSensitive(tool: ResolvedTool, policy: ProtectionPolicy): boolean {
  const s = policy.sensitiveTools;
  if (tool.id && s.toolIds.includes(tool.id)) return true;
  if (tool.capability !== 'unknown' && s.capabilities.includes(tool.capability)) return true;
  if (s.writeOperations) {
    if (tool.operation?.access === 'write') return true;
    if (!tool.operation && tool.declared?.operations.some((o) => o.access === 'write')) return true;
  }
  return false;
}

function isMaker(agent: Agent, user: DirectoryUser | null, userId: string | null): boolean {
  const makers = new Set([agent.createdBy, ...agent.owners].map((m) => m.toLowerCase()));
  if (user && (makers.has(user.upn.toLowerCase()) || makers.has(user.id.toLowerCase()))) return true;
  return userId !== null && makers.has(userId.toLowerCase());
}

// ---- injection in data -----------------------------------------------------------------------------

const MIN_INJECTION_TEXT = 16;
const MAX_INJECTION_STRINGS = 64;
/** Characters handed to the detector per decision, over all strings: its cost grows with the text. */
const MAX_INJECTION_CHARS = 64 * 1024;

interface InjectionScan {
  found: InjectionFinding[];
  /** Set when strings or characters beyond the limits went unscanned. */
  limitHit: string | null;
}

/** Tool inputs and earlier tool outputs that read as instructions to the model. */
export function findInjection(
  request: Pick<ToolExecutionRequest, 'inputValues' | 'previousToolOutputs'>,
  threshold: number,
): InjectionFinding[] {
  return scanForInjection(request, threshold).found;
}

function scanForInjection(
  request: Pick<ToolExecutionRequest, 'inputValues' | 'previousToolOutputs'>,
  threshold: number,
): InjectionScan {
  const found: InjectionFinding[] = [];
  let scanned = 0;
  let chars = 0;
  let limitHit: string | null = null;
  const over = (why: string) => {
    limitHit ??= why;
  };
  const scan = (where: () => string, text: string) => {
    if (text.length < MIN_INJECTION_TEXT) return;
    if (scanned >= MAX_INJECTION_STRINGS) return over(`more than ${MAX_INJECTION_STRINGS} texts to scan for injection`);
    // The detector reads a text's first DEFAULT_MAX_CHARS characters: that is what it costs.
    const cost = Math.min(text.length, DEFAULT_MAX_CHARS);
    if (chars + cost > MAX_INJECTION_CHARS)
      return over(`more than ${MAX_INJECTION_CHARS} characters to scan for injection`);
    scanned++;
    chars += cost;
    // Tool data: the patterns, and the data model segment by segment (detector/injection-in-data.ts).
    const r = detectInjectionInData(text, { threshold });
    if (r.flagged) found.push({ where: where(), score: r.score, features: r.features });
  };
  const onWalkLimit = () => over('the inputs have more nodes than are checked');
  for (const leaf of stringLeaves(request.inputValues, onWalkLimit))
    scan(() => `inputValues.${leaf.path()}`, leaf.value);
  request.previousToolOutputs.forEach((output, i) => {
    if (typeof output === 'string') scan(() => `previousToolOutputs[${i}]`, output);
    else if (output !== null && typeof output === 'object') {
      for (const leaf of stringLeaves(output as Record<string, unknown>, onWalkLimit))
        scan(() => `previousToolOutputs[${i}].${leaf.path()}`, leaf.value);
    }
  });
  return { found, limitHit };
}

// ---- wording -------------------------------------------------------------------------------------

function toolLabel(input: PolicyInput): string {
  return toolLabelOf(input.request.tool);
}

function describe(ds: Destination[]): string {
  const shown = ds
    .slice(0, 5)
    .map((d) => `${d.kind === 'link' || d.kind === 'url' ? d.kind : d.kind.toUpperCase()} ${d.value}`);
  return ds.length > 5 ? `${shown.join(', ')} and ${ds.length - 5} more` : shown.join(', ');
}

function jailbreakFeatures(j: RequestJailbreakResult): JailbreakFeature[] {
  return j.message?.flagged
    ? j.message.features
    : (j.flaggedTurns.at(-1)?.result.features ?? j.message?.features ?? []);
}

function topFeatures(fs: JailbreakFeature[]): string {
  return fs.length > 0
    ? `: ${fs
        .slice(0, 3)
        .map((f) => f.id)
        .join(', ')}`
    : '';
}
