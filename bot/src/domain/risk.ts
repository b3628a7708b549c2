import type { Agent, Severity } from './types.js';
import { severityRank } from './types.js';
import { domainOf, findInstructionRecipients } from './instruction-recipients.js';

/**
 * Agent risk: a list of explained signals and a score built from them.
 *
 * Score = sum of the signals' weights (critical 40, high 25, medium 10, low 5), capped at 100.
 * The agent's risk level follows from the score alone (RISK_LEVEL_BANDS), so the same score always shows the
 * same level; each band starts at one signal's weight, so the level is never below the most severe signal, and
 * context signals (informational, weight 0) never set it. Weights are
 * chosen so that one critical finding outranks any two medium ones, and an agent with a
 * maker-credential MCP tool and no user authentication (the Zava breach shape) scores at
 * least 65 whatever else it has.
 *
 * The signals cover the posture indicators Microsoft Defender shows for each agent (the README's "Risk signals and
 * Defender's posture indicators" maps them).
 * Three of those indicators are context rather than a fault: `published`, `production-environment` and
 * `critical-resource` say how much is at stake. They are informational signals: shown with the others, weight 0,
 * and they never set the risk level on their own (an agent with only context signals has level "none", as
 * Defender rates such an agent "No known risk").
 */

export type RiskLevel = Severity | 'none';
export const RISK_LEVELS: readonly RiskLevel[] = ['none', 'informational', 'low', 'medium', 'high', 'critical'];

export type RiskSignalId =
  | 'mcp-maker-credentials'
  | 'no-user-auth'
  | 'org-wide-sharing'
  | 'hardcoded-credential'
  | 'insecure-http'
  | 'orphaned'
  | 'dormant'
  | 'open-high-alerts'
  | 'author-credentials'
  | 'auth-as-needed'
  | 'ai-controlled-email'
  | 'instructions-send-outside'
  // Defender's posture indicators that the signals above did not already cover.
  | 'published'
  | 'weak-instructions'
  | 'high-autonomy'
  | 'indirect-prompt-injection'
  | 'privileged-data-access'
  | 'privileged-system-access'
  | 'production-environment'
  | 'coordinator-agent'
  | 'cross-tenant-access'
  | 'critical-resource'
  | 'active-threat';

export interface RiskSignal {
  id: RiskSignalId;
  severity: Severity;
  title: string;
  /** Which parts of the agent made the signal fire, for a person to check. */
  evidence: string[];
  /** OWASP Top 10 for LLM Applications (2025) entry the finding maps to. */
  owasp: string;
}

export interface AgentRisk {
  score: number;
  level: RiskLevel;
  signals: RiskSignal[];
}

/** Facts about the agent's surroundings that the agent record alone does not hold. */
export interface RiskContext {
  now: Date;
  /** Directory state of a UPN: enabled, disabled, or unknown to the directory. */
  accountState(upn: string): 'enabled' | 'disabled' | 'missing';
  /** Unresolved alerts whose evidence names this agent, by severity (low counts low and informational). */
  openAlerts: { high: number; critical: number; medium?: number; low?: number };
}

/**
 * The file these rules run from (this module, compiled or not): its hash identifies the rules,
 * so a stored assessment is known to come from other rules after an upgrade (inventory/risk-sweep.ts).
 */
export const RISK_RULES_MODULE_URL = import.meta.url;

export const SIGNAL_WEIGHT: Record<Severity, number> = { critical: 40, high: 25, medium: 10, low: 5, informational: 0 };
export const DORMANT_AFTER_DAYS = 30;
/** Defender calls instructions shorter than this weak. */
export const WEAK_INSTRUCTIONS_BELOW = 30;

/** Triggers that start the agent without a person asking: it runs on its own. */
const AUTONOMOUS_TRIGGERS = new Set(['schedule', 'event', 'email']);
/** Graph permission families that read or change the organization's content and directory. */
const DATA_PERMISSION =
  /^(?:Files|Sites|Mail|MailboxSettings|Chat|ChannelMessage|Calendars|Contacts|Notes|User|Directory|Group|People)\./i;
/** Business systems (ERP, CRM, HR, finance, IT service management) and software development platforms. */
const BUSINESS_OR_DEV_SYSTEM =
  /\b(?:dynamics|sap|salesforce|servicenow|workday|oracle|netsuite|concur|jira|atlassian|github(?:copilot)?|gitlab|azure ?devops|dev\.azure\.com|bitbucket)\b/i;

/** The host of a URL, lower-cased; null when it is not one. */
function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Whether a host belongs to one of the organization's domains (the domain itself or a subdomain). */
const inDomains = (host: string, domains: string[]) => domains.some((d) => host === d || host.endsWith(`.${d}`));

/**
 * The one mapping from a risk score to its level, highest band first. A band starts at the weight of one signal of
 * that severity: a single critical finding makes an agent critical, and findings that add up to as much do too.
 */
export const RISK_LEVEL_BANDS: readonly { level: RiskLevel; min: number; max: number }[] = [
  { level: 'critical', min: SIGNAL_WEIGHT.critical, max: 100 },
  { level: 'high', min: SIGNAL_WEIGHT.high, max: SIGNAL_WEIGHT.critical - 1 },
  { level: 'medium', min: SIGNAL_WEIGHT.medium, max: SIGNAL_WEIGHT.high - 1 },
  { level: 'low', min: 1, max: SIGNAL_WEIGHT.medium - 1 },
  { level: 'none', min: 0, max: 0 },
];

/** The level a risk score shows, everywhere (registry, agent page, approvals, cards). */
export function riskLevelOf(score: number): RiskLevel {
  return RISK_LEVEL_BANDS.find((b) => score >= b.min)?.level ?? 'none';
}

/** The band a level covers, as a person reads it: "high: 25-39"; null for a level no score maps to. */
export function riskBandOf(level: RiskLevel): string | null {
  const band = RISK_LEVEL_BANDS.find((b) => b.level === level);
  if (!band) return null;
  return band.min === band.max ? `${level}: ${band.min}` : `${level}: ${band.min}-${band.max}`;
}

const OWASP = {
  excessiveAgency: 'LLM06:2025 Excessive Agency',
  disclosure: 'LLM02:2025 Sensitive Information Disclosure',
  supplyChain: 'LLM03:2025 Supply Chain',
  injection: 'LLM01:2025 Prompt Injection',
} as const;

// Literal secrets as they show up in tool headers, URLs and instructions.
const SECRET_PATTERNS: RegExp[] = [
  /\b(?:bearer|basic)\s+[a-z0-9._~+/=-]{16,}/i,
  /\bsk-[a-z0-9_-]{16,}/i,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[a-z0-9]{20,}/i,
  /(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret)\s*[:=]\s*\S{6,}/i,
  /[?&](?:code|key|sig|token|api[_-]?key)=[^&\s]{12,}/i,
];
const SECRET_HEADER = /^(?:authorization|x-api-key|api-key|ocp-apim-subscription-key|x-functions-key)$/i;

export function findSecrets(text: string): boolean {
  return SECRET_PATTERNS.some((p) => p.test(text));
}

/** A URL that is plain HTTP, or HTTPS on a port other than 443. */
export function isInsecureUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'http:') return true;
  return parsed.protocol === 'https:' && parsed.port !== '' && parsed.port !== '443';
}

type Rule = (agent: Agent, ctx: RiskContext) => RiskSignal | null;

const signal = (
  id: RiskSignalId,
  severity: Severity,
  title: string,
  evidence: string[],
  owasp: string,
): RiskSignal | null => (evidence.length === 0 ? null : { id, severity, title, evidence, owasp });

const RULES: Rule[] = [
  (a) =>
    signal(
      'mcp-maker-credentials',
      'critical',
      "MCP server connected with the maker's credentials",
      [
        ...a.tools.filter((t) => t.kind === 'mcpServer' && t.connectionMode === 'maker').map((t) => `tool ${t.name}`),
        ...a.knowledgeSources
          .filter((k) => k.kind === 'mcpServer' && k.connectionMode === 'maker')
          .map((k) => `knowledge source ${k.name}`),
      ],
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'no-user-auth',
      'high',
      'No user authentication',
      a.userAuthentication === 'none' ? ['anyone who can reach the agent uses it anonymously'] : [],
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'org-wide-sharing',
      a.accessControl === 'anyMultitenant' ? 'high' : 'medium',
      a.accessControl === 'anyMultitenant' ? 'Shared with any tenant' : 'Shared with the whole organization',
      a.accessControl === 'any' || a.accessControl === 'anyMultitenant' ? [`access control: ${a.accessControl}`] : [],
      OWASP.disclosure,
    ),
  (a) =>
    signal(
      'hardcoded-credential',
      'high',
      'Hard-coded credential',
      [
        ...a.tools.flatMap((t) => [
          ...Object.entries(t.headers)
            .filter(([k, v]) => SECRET_HEADER.test(k) || findSecrets(`${k}: ${v}`))
            .map(([k]) => `tool ${t.name}: header ${k}`),
          ...(t.serverUrl && findSecrets(t.serverUrl) ? [`tool ${t.name}: URL`] : []),
        ]),
        ...(findSecrets(a.instructions) ? ['instructions'] : []),
      ],
      OWASP.disclosure,
    ),
  (a) =>
    signal(
      'insecure-http',
      'medium',
      'Calls over plain HTTP or a non-standard port',
      [
        ...a.tools
          .filter((t) => t.serverUrl && isInsecureUrl(t.serverUrl))
          .map((t) => `tool ${t.name}: ${t.serverUrl}`),
        ...a.knowledgeSources.filter((k) => k.url && isInsecureUrl(k.url)).map((k) => `knowledge ${k.name}: ${k.url}`),
      ],
      OWASP.supplyChain,
    ),
  (a, ctx) => {
    const accountable = a.owners.length > 0 ? a.owners : [a.createdBy];
    const gone = accountable.filter((upn) => ctx.accountState(upn) !== 'enabled');
    return signal(
      'orphaned',
      'medium',
      'Orphaned: no active owner',
      gone.length === accountable.length ? gone.map((upn) => `${upn} is ${ctx.accountState(upn)}`) : [],
      OWASP.excessiveAgency,
    );
  },
  (a, ctx) => {
    if (a.publishStatus !== 'published') return null;
    const last = a.lastActivityAt ?? a.publishedAt;
    if (!last) return null;
    const days = Math.floor((ctx.now.getTime() - Date.parse(last)) / 86_400_000);
    return signal(
      'dormant',
      'low',
      'Dormant: published but unused',
      days >= DORMANT_AFTER_DAYS ? [`no activity for ${days} days`] : [],
      OWASP.excessiveAgency,
    );
  },
  (_a, ctx) => {
    const { high, critical } = ctx.openAlerts;
    return signal(
      'open-high-alerts',
      critical > 0 ? 'critical' : 'high',
      'Unresolved high-severity alerts',
      [...(critical > 0 ? [`${critical} critical`] : []), ...(high > 0 ? [`${high} high`] : [])],
      OWASP.injection,
    );
  },
  (a) =>
    signal(
      'author-credentials',
      'medium',
      "Tools or topics run on the author's credentials",
      [
        ...a.tools.filter((t) => t.kind !== 'mcpServer' && t.connectionMode === 'maker').map((t) => `tool ${t.name}`),
        ...a.topics.filter((t) => t.usesAuthorCredentials).map((t) => `topic ${t.name}`),
      ],
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'auth-as-needed',
      'low',
      'Authentication only as needed',
      a.userAuthentication !== 'none' && a.authenticationTrigger === 'asNeeded'
        ? ['sign-in is not required up front']
        : [],
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'ai-controlled-email',
      'medium',
      'E-mail recipients chosen by the model',
      a.tools.filter((t) => t.capability === 'email' && t.recipientsFromModel).map((t) => `tool ${t.name}`),
      OWASP.excessiveAgency,
    ),
  (a) => {
    // The organization's domains are those of the people accountable for the agent (maker and owners).
    const internal = [...new Set([a.createdBy, ...a.owners].map(domainOf))];
    const found = findInstructionRecipients(a.instructions, internal).filter((r) => r.external || r.copies);
    const exfiltrates = found.some((r) => r.external && r.copies);
    return signal(
      'instructions-send-outside',
      exfiltrates ? 'critical' : 'high',
      exfiltrates ? 'Instructions copy mail outside the organization' : 'Instructions name outside recipients',
      found.map(
        (r) =>
          `instructions: ${r.copies ? 'copy or forward to' : 'address'} ${r.address}${r.external ? ' (outside the organization)' : ''}: "${r.line}"`,
      ),
      OWASP.disclosure,
    );
  },
  (a) =>
    signal(
      'published',
      'informational',
      'Published agent',
      a.publishStatus === 'published'
        ? [
            `published${a.publishedAt ? ` on ${a.publishedAt.slice(0, 10)}` : ''}: people can use it, so any weakness is live`,
          ]
        : [],
      OWASP.excessiveAgency,
    ),
  (a) => {
    const length = a.instructions.trim().length;
    return signal(
      'weak-instructions',
      'medium',
      'Weak instructions',
      length < WEAK_INSTRUCTIONS_BELOW
        ? [
            `instructions are ${length} characters (fewer than ${WEAK_INSTRUCTIONS_BELOW}): nothing holds the model to its task, so a prompt can steer it anywhere`,
          ]
        : [],
      OWASP.injection,
    );
  },
  (a) => {
    const starts = a.triggers.filter((t) => AUTONOMOUS_TRIGGERS.has(t.kind));
    const acts = a.tools.filter((t) => t.operations.some((o) => o.access === 'write'));
    return signal(
      'high-autonomy',
      'medium',
      'High autonomy',
      starts.length > 0 && acts.length > 0
        ? [
            ...starts.map((t) => `starts on its own: ${t.kind} trigger "${t.name}", with no person in the loop`),
            ...acts.map((t) => `and can change things: tool ${t.name} writes`),
          ]
        : [],
      OWASP.excessiveAgency,
    );
  },
  (a) => {
    const internal = [...new Set([a.createdBy, ...a.owners].map(domainOf))];
    const outside = (url: string | null) => {
      const host = hostOf(url);
      return host === null || !inDomains(host, internal);
    };
    return signal(
      'indirect-prompt-injection',
      'medium',
      'Exposed to indirect prompt injection',
      [
        ...a.triggers
          .filter((t) => t.kind === 'email')
          .map((t) => `e-mail trigger "${t.name}": the text of any incoming message reaches the model`),
        ...a.knowledgeSources
          .filter((k) => k.kind === 'website' && outside(k.url))
          .map((k) => `knowledge ${k.name}: web pages outside the organization (${k.url ?? 'the public web'})`),
        ...a.tools
          .filter((t) => t.capability === 'http' && outside(t.serverUrl))
          .map((t) => `tool ${t.name}: reads web content from ${t.serverUrl ?? 'the public web'}`),
      ],
      OWASP.injection,
    );
  },
  (a) =>
    signal(
      'privileged-data-access',
      'high',
      'Privileged data access',
      (a.permissions ?? [])
        .filter((p) => p.type === 'application' && DATA_PERMISSION.test(p.name))
        .map((p) => `application permission ${p.name}: reads the whole tenant's data with no user signed in`),
      OWASP.disclosure,
    ),
  (a) =>
    signal(
      'privileged-system-access',
      'medium',
      'Privileged business-system or software-development access',
      a.tools
        .filter(
          (t) =>
            t.operations.some((o) => o.access === 'write') &&
            BUSINESS_OR_DEV_SYSTEM.test(`${t.connector ?? ''} ${hostOf(t.serverUrl) ?? ''}`),
        )
        .map((t) => `tool ${t.name}: writes to ${t.connector ?? hostOf(t.serverUrl)}`),
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'production-environment',
      'informational',
      'Production environment',
      a.environmentType === 'production'
        ? [`lives in production environment ${a.environmentId}: it works on real data and real users`]
        : [],
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'coordinator-agent',
      'medium',
      'Coordinator agent',
      [
        ...a.connectedAgentIds.map((id) => `calls connected agent ${id}`),
        ...a.childAgentIds.map((id) => `runs child agent ${id}`),
      ].map((line) => `${line}: whoever steers this agent steers it too`),
      OWASP.excessiveAgency,
    ),
  (a) =>
    signal(
      'cross-tenant-access',
      'medium',
      'Cross-tenant access',
      a.accessControl === 'anyMultitenant'
        ? ['access control "Any (multi-tenant)": people of other organizations can use it and what it reaches']
        : [],
      OWASP.disclosure,
    ),
  (a) =>
    signal(
      'critical-resource',
      'informational',
      'Critical resource',
      a.criticalAsset === true ? ['classified as a critical asset: a compromise hurts the business most here'] : [],
      OWASP.excessiveAgency,
    ),
  (_a, ctx) => {
    // Unresolved high and critical alerts are open-high-alerts; this is Defender's "active threat" below them.
    const { high, critical, medium = 0, low = 0 } = ctx.openAlerts;
    if (high + critical > 0) return null;
    return signal(
      'active-threat',
      medium > 0 ? 'medium' : 'low',
      'Active threat: unresolved alerts',
      [...(medium > 0 ? [`${medium} medium`] : []), ...(low > 0 ? [`${low} low`] : [])].map(
        (n) => `${n} alert${n.startsWith('1 ') ? '' : 's'} new or in progress`,
      ),
      OWASP.injection,
    );
  },
];

export function assessAgentRisk(agent: Agent, ctx: RiskContext): AgentRisk {
  const signals = RULES.map((rule) => rule(agent, ctx))
    .filter((s): s is RiskSignal => s !== null)
    .sort((x, y) => severityRank(y.severity) - severityRank(x.severity));
  const score = Math.min(
    100,
    signals.reduce((sum, s) => sum + SIGNAL_WEIGHT[s.severity], 0),
  );
  return { score, level: riskLevelOf(score), signals };
}
