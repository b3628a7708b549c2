import type { Agent, DirectoryUser, Evidence } from '../domain/types.js';
import type { RecordedDetection } from './decision-recorder.js';
import { PERSISTENT_JAILBREAK_ALERT } from './persistent-jailbreak.js';
import type { RuleHit } from './policy-engine.js';
import type { PolicyRuleId } from './protection-policy.js';
import type { ToolExecutionRequest } from './webhook-schema.js';

/** Who and what a decision was about: the entities an alert's evidence names. */
export interface DecisionSubject {
  request: ToolExecutionRequest;
  agent: Agent | null;
  user: DirectoryUser | null;
}

/** Same format as the seeded history's keys, so a live detection grows a matching open alert. */
export const dedupKeyOf = (detectorId: string, userId: string | null, agentId: string | null, toolId: string | null) =>
  [detectorId, userId ?? '-', agentId ?? '-', toolId ?? '-'].join('|');

const RECOMMENDED: Record<PolicyRuleId | 'persistent-jailbreak', string> = {
  'agent-blocked':
    'The agent is blocked and its tool calls are refused. Find out who still uses it and point them to an approved agent.',
  'user-compromised':
    "Keep the user's sessions revoked until the password is reset; review what the account did since the compromise.",
  exfiltration:
    "Revoke the user's sessions and require a password reset; review the conversation; consider blocking the agent " +
    'until its e-mail tool no longer lets the model choose recipients.',
  'deny-listed-recipient':
    "Review the conversation and the user's recent activity; revoke the sessions if it was not them.",
  'hidden-external-recipients':
    'Review who added the hidden recipients; restrict the tool so that the model cannot fill Bcc.',
  'unchecked-inputs':
    'Look at what the tool was asked to send and to whom; an attacker pads inputs to hide a destination from the check.',
  'injection-in-data':
    'Find the document or tool output that carried the instructions and remove it; check what else read it.',
  'undeclared-tool':
    "Check the agent's current definition against the registry; block it if it was changed outside review.",
  'maker-mcp-write':
    "Move the MCP connection from the maker's credentials to the end user's, or make the operation read-only.",
  'tool-poisoning':
    'Remove the tool from the agent or fix its description at the source (the MCP server or connector); find out who ' +
    'changed it, and review what the agent did with it: hidden instructions often ask for files or secrets.',
  'rug-pull':
    "Compare the tool's definition history on the agent page; if the change was not expected, block the agent or " +
    'remove the tool until its owner explains it.',
  burst: 'Check whether the user meant to make these calls; revoke the sessions if not; consider a lower limit.',
  'persistent-jailbreak':
    'Check whether the user really sent these prompts; revoke the sessions and require a password reset if not; ' +
    "review the agent's instructions and guardrails.",
};

export function evidenceOf(s: DecisionSubject, withTool: boolean): Evidence[] {
  const { request: r } = s;
  const evidence: Evidence[] = [];
  const userId = s.user?.id ?? r.user.id;
  if (userId) {
    evidence.push({
      type: 'user',
      userId,
      upn: s.user?.upn ?? userId,
      displayName: s.user?.displayName ?? userId,
    });
  }
  const agentId = s.agent?.id ?? r.agent.id;
  if (agentId) {
    evidence.push({
      type: 'agent',
      agentId,
      agentName: s.agent?.name ?? r.agent.name ?? agentId,
      platform: s.agent?.platform ?? 'copilotStudio',
    });
    if (withTool && r.tool.id) {
      const declared = s.agent?.tools.find((t) => t.id === r.tool.id);
      evidence.push({ type: 'tool', toolId: r.tool.id, toolName: declared?.name ?? r.tool.name ?? r.tool.id, agentId });
    }
  }
  if (r.incomingClientIp) evidence.push({ type: 'ip', address: r.incomingClientIp });
  return evidence;
}

/** A policy rule hit as an alert-to-be; identical hits (same rule, user, agent, tool) grow one alert. */
export function detectionFromHit(hit: RuleHit, s: DecisionSubject, at: string, eventId: string): RecordedDetection {
  const userId = s.user?.id ?? s.request.user.id;
  const agentId = s.agent?.id ?? s.request.agent.id;
  return {
    detectorId: hit.rule,
    title: hit.title,
    description: hit.detail,
    category: hit.category,
    severity: hit.severity,
    mitreTechniques: hit.mitreTechniques,
    recommendedActions: RECOMMENDED[hit.rule],
    evidence: evidenceOf(s, true),
    // A hit about a thing (a tool definition) grows one alert whoever makes the calls.
    dedupKey: hit.subject
      ? `${dedupKeyOf(hit.rule, null, agentId, s.request.tool.id ?? s.request.tool.name)}|${hit.subject}`
      : dedupKeyOf(hit.rule, userId, agentId, s.request.tool.id),
    at,
    eventIds: [eventId],
  };
}

/** K flagged prompts from one user to one agent within the window: one alert for that window. */
export function persistentJailbreakDetection(
  s: DecisionSubject,
  at: string,
  window: { start: Date; count: number; minutes: number },
  eventIds: string[],
): RecordedDetection {
  const userId = s.user?.id ?? s.request.user.id;
  const agentId = s.agent?.id ?? s.request.agent.id;
  const who = s.user?.upn ?? userId ?? 'an unknown user';
  const agentName = s.agent?.name ?? s.request.agent.name ?? agentId ?? 'an unknown agent';
  return {
    detectorId: PERSISTENT_JAILBREAK_ALERT.detectorId,
    title: PERSISTENT_JAILBREAK_ALERT.title,
    description:
      `${who} sent ${window.count} prompts flagged as jailbreak or prompt-injection attempts to ${agentName} ` +
      `within ${window.minutes} minutes.`,
    category: PERSISTENT_JAILBREAK_ALERT.category,
    severity: PERSISTENT_JAILBREAK_ALERT.severity,
    mitreTechniques: [...PERSISTENT_JAILBREAK_ALERT.mitreTechniques],
    recommendedActions: RECOMMENDED['persistent-jailbreak'],
    evidence: evidenceOf(s, false),
    // One alert per window: the window's start is part of the key.
    dedupKey: `${dedupKeyOf('persistent-jailbreak', userId, agentId, null)}|${window.start.toISOString()}`,
    at,
    eventIds,
  };
}
