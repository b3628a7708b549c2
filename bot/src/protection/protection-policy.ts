import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { SettingError } from '../domain/errors.js';
import type { ToolCapability } from '../domain/types.js';

/**
 * The protection policy: which tool-call rules run, whether each one blocks or only raises an alert,
 * and their parameters. It lives in one JSON file (config/protection-policy.json) read and validated
 * once at start; a bad file stops the server with a message naming the file and the field.
 */

export type RuleMode = 'block' | 'alert' | 'off';
export const RULE_MODES: readonly RuleMode[] = ['block', 'alert', 'off'];

export type PolicyRuleId =
  | 'agent-blocked'
  | 'user-compromised'
  | 'exfiltration'
  | 'deny-listed-recipient'
  | 'hidden-external-recipients'
  | 'unchecked-inputs'
  | 'injection-in-data'
  | 'undeclared-tool'
  | 'maker-mcp-write'
  | 'burst'
  | 'tool-poisoning'
  | 'rug-pull';

export const POLICY_RULE_IDS: readonly PolicyRuleId[] = [
  'agent-blocked',
  'user-compromised',
  'exfiltration',
  'deny-listed-recipient',
  'hidden-external-recipients',
  'unchecked-inputs',
  'injection-in-data',
  'undeclared-tool',
  'maker-mcp-write',
  'burst',
  'tool-poisoning',
  'rug-pull',
];

export interface RuleSettings {
  /** The mode for every agent no `byAgent` entry names. */
  mode: RuleMode;
  /**
   * Modes for chosen agents, as Defender's custom rules scope a block to some agents while the default rule
   * audits: the first entry naming the agent's id wins; an entry with `agents: "*"` (last, at most one)
   * names every other agent.
   */
  byAgent?: AgentRuleMode[];
}

export interface AgentRuleMode {
  agents: string[] | '*';
  mode: RuleMode;
}

/** The mode a rule runs in for one agent (its `toolDefinition`'s agent id; null when the call names none). */
export function ruleModeFor(settings: RuleSettings, agentId: string | null): RuleMode {
  for (const entry of settings.byAgent ?? []) {
    if (entry.agents === '*' || (agentId !== null && entry.agents.includes(agentId))) return entry.mode;
  }
  return settings.mode;
}

export interface ExfiltrationSettings extends RuleSettings {
  /** Also count injection found in the tool's inputs or earlier tool outputs as an attack sign. */
  injectionCounts: boolean;
}

export interface InjectionSettings extends RuleSettings {
  /** Detector score at or above which a tool input or earlier output counts as carrying instructions. */
  threshold: number;
}

export interface BurstSettings extends RuleSettings {
  /** More than this many calls of one sensitive tool by one user within the window fire the rule. */
  maxCalls: number;
  windowMinutes: number;
}

export interface ToolPoisoningSettings extends RuleSettings {
  /** Score at or above which a tool's definition counts as carrying hidden instructions. */
  threshold: number;
}

export interface PolicyRules {
  'agent-blocked': RuleSettings;
  'user-compromised': RuleSettings;
  exfiltration: ExfiltrationSettings;
  'deny-listed-recipient': RuleSettings;
  'hidden-external-recipients': RuleSettings;
  /**
   * A tool that can send data out whose inputs went partly unchecked (a scan limit), or whose decision
   * ran out of budget: `block` (the default) refuses it whatever PROTECTION_FAIL_MODE says.
   */
  'unchecked-inputs': RuleSettings;
  'injection-in-data': InjectionSettings;
  'undeclared-tool': RuleSettings;
  'maker-mcp-write': RuleSettings;
  burst: BurstSettings;
  'tool-poisoning': ToolPoisoningSettings;
  'rug-pull': RuleSettings;
}

export interface SensitiveTools {
  /** Tools whose registry capability is one of these are sensitive. */
  capabilities: ToolCapability[];
  /** Tools named by `toolDefinition.id` are sensitive whatever their capability. */
  toolIds: string[];
  /** Any tool with a write operation is sensitive. */
  writeOperations: boolean;
}

export interface ProtectionPolicy {
  /** The organization's own domains: addresses and URLs under them (or their subdomains) stay inside. */
  tenantDomains: string[];
  /** Addresses ("x@evil.example"), domains ("evil.example", also its subdomains) or "@domain" entries never allowed. */
  denyList: string[];
  sensitiveTools: SensitiveTools;
  rules: PolicyRules;
  /** K flagged messages from one user to one agent within W minutes raise one alert for that window. */
  persistentJailbreak: { minFlagged: number; windowMinutes: number };
}

export const DEFAULT_POLICY_FILE: string = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../config/protection-policy.json',
);

/** A protection policy file that cannot be read or does not validate; the message names the field. */
export class PolicyFileError extends SettingError {}

// ---- schema --------------------------------------------------------------------------------------

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ADDRESS = /^[^\s@]+@[^\s@]+$/;

const domainName = z
  .string({ error: 'expected a domain name' })
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => DOMAIN.test(s), { error: 'expected a domain name such as "contoso.com"' });

const denyEntry = z
  .string({ error: 'expected an address or a domain' })
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => ADDRESS.test(s) || DOMAIN.test(s.replace(/^@/, '')), {
    error: 'expected an address ("name@domain"), a domain ("domain.com") or "@domain.com"',
  });

const positiveInt = z
  .number({ error: 'expected a positive integer' })
  .int({ error: 'expected a positive integer' })
  .positive({
    error: 'expected a positive integer',
  });

const mode = z.enum(RULE_MODES, { error: 'expected "block", "alert" or "off"' });
const MAX_AGENT_MODES = 100;
const MAX_AGENTS_PER_MODE = 1000;
const agentId = z
  .string({ error: 'expected an agent id' })
  .trim()
  .min(1, { error: 'expected an agent id' })
  .max(200, { error: 'expected an agent id of at most 200 characters' })
  .refine((id) => id !== '*', { error: 'write "agents": "*" for every agent, not a list containing "*"' });
const agentList = z
  .array(agentId, { error: 'expected a list of agent ids or "*"' })
  .min(1, { error: 'expected at least one agent id' })
  .max(MAX_AGENTS_PER_MODE, { error: `expected at most ${MAX_AGENTS_PER_MODE} agent ids` });
// "*" or a list, with the list's own messages (a union would only say that neither matched).
const agentsField = z.unknown().transform((value, ctx): string[] | '*' => {
  if (value === '*') return '*';
  const list = agentList.safeParse(value);
  if (list.success) return list.data;
  for (const issue of list.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});
const byAgent = z
  .array(
    z.strictObject({
      agents: agentsField,
      mode,
    }),
    { error: 'expected a list of {agents, mode} entries' },
  )
  .max(MAX_AGENT_MODES, { error: `expected at most ${MAX_AGENT_MODES} entries` })
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      if (entry.agents === '*') {
        if (i !== entries.length - 1)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'agents'],
            message: 'the "*" entry must be the last one: entries after it never apply',
          });
        return;
      }
      // An entry whose list failed its own checks is reported there.
      if (!Array.isArray(entry.agents)) return;
      entry.agents.forEach((id, j) => {
        const first = seen.get(id);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'agents', j],
            message: `agent "${id}" is already in entry ${first}`,
          });
        else seen.set(id, i);
      });
    });
  })
  .optional();
const plain = z.strictObject({ mode, byAgent });

const unitScore = z
  .number({ error: 'expected a number between 0 and 1' })
  .gt(0, { error: 'expected a number between 0 and 1' })
  .lte(1, { error: 'expected a number between 0 and 1' })
  .default(0.5);

const CAPABILITIES = ['email', 'message', 'http', 'file', 'data', 'none'] as const;

const PolicySchema = z.strictObject({
  $comment: z.string().optional(),
  tenantDomains: z.array(domainName).min(1, { error: 'expected at least one domain' }),
  denyList: z.array(denyEntry).default([]),
  sensitiveTools: z
    .strictObject({
      capabilities: z.array(z.enum(CAPABILITIES, { error: `expected one of ${CAPABILITIES.join(', ')}` })).default([]),
      toolIds: z.array(z.string().min(1)).default([]),
      writeOperations: z.boolean().default(false),
    })
    .default({ capabilities: ['email', 'message', 'http'], toolIds: [], writeOperations: true }),
  rules: z.strictObject({
    'agent-blocked': plain,
    'user-compromised': plain,
    exfiltration: z.strictObject({ mode, byAgent, injectionCounts: z.boolean().default(true) }),
    'deny-listed-recipient': plain,
    'hidden-external-recipients': plain,
    'unchecked-inputs': plain.default({ mode: 'block' }),
    'injection-in-data': z.strictObject({ mode, byAgent, threshold: unitScore }),
    'undeclared-tool': plain,
    'maker-mcp-write': plain,
    burst: z.strictObject({ mode, byAgent, maxCalls: positiveInt, windowMinutes: positiveInt }),
    // Rules added after the first policy files were written: a file without them gets their defaults.
    'tool-poisoning': z
      .strictObject({ mode, byAgent, threshold: unitScore })
      .default({ mode: 'block', threshold: 0.5 }),
    'rug-pull': plain.default({ mode: 'alert' }),
  }),
  persistentJailbreak: z.strictObject({ minFlagged: positiveInt, windowMinutes: positiveInt }),
});

/** Validates a parsed policy document; `source` names it in errors ("config/protection-policy.json"). */
export function parseProtectionPolicy(json: unknown, source: string): ProtectionPolicy {
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${source}: ${formatPath(i.path)}: ${issueMessage(i, json)}`);
    throw new PolicyFileError(lines.join('\n'));
  }
  const { $comment: _comment, ...policy } = parsed.data;
  void _comment;
  return policy;
}

/** Reads and validates the policy file (default: config/protection-policy.json at the repository root). */
export function loadProtectionPolicy(file: string = DEFAULT_POLICY_FILE): ProtectionPolicy {
  const shown = displayName(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PolicyFileError(`${shown}: cannot read the policy file (${code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyFileError(`${shown}: not valid JSON (${(err as Error).message})`);
  }
  return parseProtectionPolicy(json, shown);
}

function displayName(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(document)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

function issueMessage(issue: z.core.$ZodIssue, json: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(json, issue.path) === undefined) {
    return `missing (${issue.message})`;
  }
  return issue.message;
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}
