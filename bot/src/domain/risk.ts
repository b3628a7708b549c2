import type { Agent, Severity } from './types.js';
import { severityRank } from './types.js';
import { domainOf, findInstructionRecipients } from './instruction-recipients.js';

/**
 * Agent risk: a list of explained signals and a score built from them.
 *
 * Score = sum of the signals' weights (critical 40, high 25, medium 10, low 5), capped at 100.
 * The agent's risk level follows from the score alone (RISK_LEVEL_BANDS), so the same score always shows the
 * same level; each band starts at one signal's weight, so the level is never below the most severe signal. Weights are
 * chosen so that one critical finding outranks any two medium ones, and an agent with a
 * maker-credential MCP tool and no user authentication (the Zava breach shape) scores at
 * least 65 whatever else it has.
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
  | 'instructions-send-outside';

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
  /** Unresolved alerts whose evidence names this agent, by severity. */
  openAlerts: { high: number; critical: number };
}

export const SIGNAL_WEIGHT: Record<Severity, number> = { critical: 40, high: 25, medium: 10, low: 5, informational: 0 };
export const DORMANT_AFTER_DAYS = 30;

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
