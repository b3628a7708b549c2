import { describe, expect, it } from 'vitest';
import { agentRiskCard } from '../../../bot/src/teams/cards/agent-risk-card.js';
import type { AgentRiskCardView } from '../../../bot/src/teams/cards/card-views.js';
import { assessAgentRisk } from '../../../bot/src/domain/risk.js';
import { makeAgent, makeTool } from '../../fakes/agent-factory.js';
import { cardBytes, cardProblems, cardText, verbs } from './card-assertions.js';

function riskView(toolCount = 2): AgentRiskCardView {
  const agent = makeAgent({
    name: 'Customer Billing Agent',
    userAuthentication: 'none',
    tools: Array.from({ length: toolCount }, (_, i) =>
      makeTool({
        id: `t${i}`,
        name: i === 0 ? 'Billing MCP' : `Tool ${i}`,
        kind: i === 0 ? 'mcpServer' : 'connector',
        connectionMode: i === 0 ? 'maker' : 'user',
        headers: { Authorization: 'Bearer sk-secretsecretsecretsecret' },
      }),
    ),
  });
  const risk = assessAgentRisk(agent, {
    now: new Date('2026-11-25T00:00:00Z'),
    accountState: () => 'enabled',
    openAlerts: { high: 1, critical: 0 },
  });
  return {
    agent: {
      ...agent,
      tools: agent.tools.map(({ id, name, kind, connectionMode, capability, serverUrl }) => ({
        id,
        name,
        kind,
        connectionMode,
        capability,
        serverUrl,
      })),
    },
    risk,
    openIncidentCount: 1,
    links: { teams: 'https://teams.microsoft.com/l/entity/a/b', browser: 'https://warden.example/agents/agent-1' },
  };
}

describe('agentRiskCard', () => {
  it('shows the score, the signals with evidence and the tools, and no actions', () => {
    const card = agentRiskCard(riskView());
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toMatch(/Risk \d+ · CRITICAL/);
    expect(text).toContain("MCP server connected with the maker's credentials");
    expect(text).toContain('tool Billing MCP');
    expect(text).toContain("maker's credentials");
    expect(verbs(card)).toEqual([]);
  });

  it('never shows tool header values', () => {
    expect(JSON.stringify(agentRiskCard(riskView()))).not.toContain('sk-secret');
  });

  it('lists at most a few tools with "and N more"', () => {
    const card = agentRiskCard(riskView(120));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('and 112 more in the tab');
    expect(cardBytes(card)).toBeLessThan(20 * 1024);
  });
});
