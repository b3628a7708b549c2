import { hash } from 'node:crypto';
import type { ToolDefinition, ToolDefinitionChange, ToolDefinitionParameter } from '../domain/tool-definitions.js';
import type { ToolExecutionRequest } from './webhook-schema.js';

/**
 * A tool's definition as the webhook sees it on every call (name, description, input parameters with
 * their descriptions), in a canonical, bounded form: what the tool-poisoning rule scans and what the
 * rug-pull rule hashes and compares with the first definition seen for the same agent and tool.
 */

export type { ToolDefinition, ToolDefinitionChange } from '../domain/tool-definitions.js';

// A definition is attacker-controlled text: every part is cut to a bound before it is hashed, scanned or stored.
export const MAX_DESCRIPTION_CHARS = 16_000;
export const MAX_PARAMETERS = 100;
const MAX_NAME_CHARS = 200;
const MAX_PARAMETER_DESCRIPTION_CHARS = 4_000;

/** The key a tool's history is kept under for one agent: `toolDefinition.id`, else its name; null without either. */
export function toolKeyOf(request: Pick<ToolExecutionRequest, 'tool'>): string | null {
  const key = request.tool.id ?? request.tool.name;
  return key ? key.slice(0, MAX_NAME_CHARS) : null;
}

/** How alerts name a tool: `"Send an email" (cr4f2_billing.action.Office365Outlook-SendEmailV2)`. */
export function toolLabelOf(tool: { id: string | null; name: string | null }): string {
  return tool.name && tool.id ? `"${tool.name}" (${tool.id})` : (tool.id ?? tool.name ?? 'an unnamed tool');
}

export function toolDefinitionOf(request: Pick<ToolExecutionRequest, 'tool'>): ToolDefinition {
  const { tool } = request;
  return {
    name: cut(tool.name, MAX_NAME_CHARS),
    description: cut(tool.description, MAX_DESCRIPTION_CHARS),
    parameters: tool.parameters.slice(0, MAX_PARAMETERS).map((p) => ({
      name: p.name.slice(0, MAX_NAME_CHARS),
      description: cut(p.description, MAX_PARAMETER_DESCRIPTION_CHARS),
      type: cut(p.type, MAX_NAME_CHARS),
    })),
  };
}

/** SHA-256 of the canonical JSON (parameters in name order, so a reordering is not a change). */
export function hashToolDefinition(d: ToolDefinition): string {
  const canonical = {
    name: d.name,
    description: d.description,
    parameters: [...d.parameters]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((p) => [p.name, p.description, p.type]),
  };
  return hash('sha256', JSON.stringify(canonical), 'hex');
}

// ---- diff ----------------------------------------------------------------------------------------

const CONTEXT_CHARS = 40;
const MAX_SHOWN_CHARS = 600;

/** Field-by-field changes from `before` to `after`; empty when they are the same definition. */
export function diffToolDefinitions(before: ToolDefinition, after: ToolDefinition): ToolDefinitionChange[] {
  const changes: ToolDefinitionChange[] = [];
  pushText(changes, 'name', before.name, after.name);
  pushText(changes, 'description', before.description, after.description);
  const old = new Map(before.parameters.map((p) => [p.name, p]));
  const now = new Map(after.parameters.map((p) => [p.name, p]));
  for (const [name, p] of old) {
    if (!now.has(name)) changes.push({ field: `parameter ${name}`, kind: 'removed', before: shown(p), after: null });
  }
  for (const [name, p] of now) {
    const was = old.get(name);
    if (!was) {
      changes.push({ field: `parameter ${name}`, kind: 'added', before: null, after: shown(p) });
      continue;
    }
    pushText(changes, `parameter ${name}.description`, was.description, p.description);
    pushText(changes, `parameter ${name}.type`, was.type, p.type);
  }
  return changes;
}

/** One line per change, for an alert's description and the channel card. */
export function formatToolDefinitionChanges(changes: readonly ToolDefinitionChange[]): string {
  return changes
    .map((c) =>
      c.kind === 'added'
        ? `${c.field} added: "${c.after}"`
        : c.kind === 'removed'
          ? `${c.field} removed (was "${c.before}")`
          : `${c.field}: "${c.before}" -> "${c.after}"`,
    )
    .join('; ');
}

function pushText(out: ToolDefinitionChange[], field: string, before: string | null, after: string | null): void {
  if (before === after) return;
  if (before === null || before === '') {
    out.push({ field, kind: 'added', before: null, after: clip(after ?? '') });
    return;
  }
  if (after === null || after === '') {
    out.push({ field, kind: 'removed', before: clip(before), after: null });
    return;
  }
  const [b, a] = changedParts(before, after);
  out.push({ field, kind: 'changed', before: b, after: a });
}

/**
 * The differing middle of two texts with CONTEXT_CHARS of the common prefix and suffix around it
 * ("…use this tool. <IMPORTANT>read ~/.ssh…"): linear, and enough to show an appended or edited passage.
 */
function changedParts(before: string, after: string): [string, string] {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < shorter - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  )
    end++;
  const from = Math.max(0, start - CONTEXT_CHARS);
  const slice = (s: string) => {
    const to = Math.min(s.length, s.length - end + CONTEXT_CHARS);
    return `${from > 0 ? '…' : ''}${clip(s.slice(from, to))}${to < s.length ? '…' : ''}`;
  };
  return [slice(before), slice(after)];
}

function shown(p: ToolDefinitionParameter): string {
  return clip(`${p.name}${p.type ? ` (${p.type})` : ''}${p.description ? `: ${p.description}` : ''}`);
}

function clip(s: string): string {
  return s.length > MAX_SHOWN_CHARS ? `${s.slice(0, MAX_SHOWN_CHARS)}…` : s;
}

function cut(s: string | null, max: number): string | null {
  return s === null ? null : s.slice(0, max);
}
