import type { Agent, AgentDefinition } from './types.js';
import { definitionOf } from './types.js';
import type { SubmissionView } from './views.js';

/**
 * What a reviewer compares for a maker's resubmission, wherever it is shown (the tab's Approvals page, the approval
 * card): the agent, its definition now, and the risk before and after. Both risks are judged as if the agent were
 * live, because the question is what publishing the new version would expose.
 */
export function submissionReview<R>(
  agent: Agent,
  proposed: AgentDefinition,
  judge: (agent: Agent) => R,
): { agent: SubmissionView['agent']; before: AgentDefinition; riskBefore: R; riskAfter: R } {
  return {
    agent: {
      id: agent.id,
      name: agent.name,
      platform: agent.platform,
      lifecycle: agent.lifecycle,
      createdBy: agent.createdBy,
    },
    before: definitionOf(agent),
    riskBefore: judge({ ...agent, lifecycle: 'active' }),
    riskAfter: judge({ ...agent, ...proposed, lifecycle: 'active' }),
  };
}
