import type { RuleDefinition } from './policy-engine.js';
import { REASON_CODES } from './reason-codes.js';
import { formatToolDefinitionChanges, toolLabelOf } from './tool-definition.js';
import { detectToolPoisoningCached } from './tool-poisoning.js';

/**
 * The rules on the tool itself rather than on its call: tool poisoning (hidden instructions in the
 * definition the model reads) and rug pulls (a definition that changed after the agent first used the
 * tool). Their alerts are about the agent's tool, whoever called it, so one alert per agent, tool and
 * definition (`subject`) grows with every call that carries it.
 */

const MAX_FINDINGS_SHOWN = 4;

export const TOOL_POISONING_RULE: RuleDefinition = {
  id: 'tool-poisoning',
  reasonCode: REASON_CODES.toolPoisoning,
  category: 'DefenseEvasion',
  // Command and scripting interpreter (instructions run by the model); masquerading (text the user cannot see).
  mitreTechniques: ['T1059', 'T1036'],
  evaluate: ({ input, policy, toolDefinition }) => {
    const result = detectToolPoisoningCached(
      toolDefinition.definition,
      toolDefinition.hash,
      policy.rules['tool-poisoning'].threshold,
    );
    if (!result.flagged) return null;
    const shown = result.findings
      .slice(0, MAX_FINDINGS_SHOWN)
      .map((f) => `${f.where}: ${f.features.map((x) => `${x.id} "${x.excerpt}"`).join(', ')}`);
    return {
      title: "Instructions hidden in a tool's definition",
      detail: `${toolLabelOf(input.request.tool)} carries instructions to the model in its definition (score ${result.score}): ${shown.join('; ')}.`,
      severity: 'high',
      subject: toolDefinition.hash,
    };
  },
};

export const RUG_PULL_RULE: RuleDefinition = {
  id: 'rug-pull',
  reasonCode: REASON_CODES.rugPull,
  category: 'Persistence',
  // Supply-chain compromise of software (the tool changed under the agent).
  mitreTechniques: ['T1195.002'],
  evaluate: ({ input, toolDefinition }) => {
    const seen = input.toolDefinition;
    if (!seen || seen.changes.length === 0) return null;
    const version = seen.version === null ? 'a further version (history full, not stored)' : `version ${seen.version}`;
    return {
      title: "Tool's definition changed after it was first seen",
      detail:
        `${toolLabelOf(input.request.tool)} on agent "${input.agent?.name ?? input.request.agent.name ?? input.request.agent.id}" ` +
        `now has ${version} of its definition (${toolDefinition.hash.slice(0, 12)}), first seen ${seen.baseline.firstSeenAt} ` +
        `as ${seen.baseline.hash.slice(0, 12)}. Changes: ${formatToolDefinitionChanges(seen.changes)}.`,
      severity: 'high',
      subject: toolDefinition.hash,
    };
  },
};
