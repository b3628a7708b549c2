// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AgentPage } from '../../src/pages/agent/AgentPage.js';
import { agent, agentDetail, me } from './fakes/fixtures.js';
import { apiError, FakeServer } from './fakes/fake-server.js';
import { renderPage } from './render.js';

function server(connected: string[]): FakeServer {
  return new FakeServer()
    .get('/api/v1/agents/agent-billing', (req) =>
      req.url.searchParams.get('view') === 'it'
        ? { body: agentDetail('it', { agent: agent({ connectedAgentIds: connected }) }) }
        : { body: agentDetail('soc', { agent: agent({ connectedAgentIds: connected }) }) },
    )
    .get('/api/v1/agents/agent-refunds', () => ({
      body: agentDetail('it', { agent: agent({ id: 'agent-refunds', name: 'Refunds Helper', connectedAgentIds: [] }) }),
    }))
    .get('/api/v1/agents/agent-gone', () => apiError(404, 'not_found', "agent 'agent-gone' was not found"));
}

describe('AgentPage overview', () => {
  it('names connected agents, linking to them, and keeps the id of one it cannot read', async () => {
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin']),
      url: '/agents/agent-billing',
      server: server(['agent-refunds', 'agent-gone']),
    });
    const link = await screen.findByRole('link', { name: 'Refunds Helper' });
    expect(link.getAttribute('href')).toBe('/agents/agent-refunds');
    expect(screen.getByRole('link', { name: 'agent-gone' }).getAttribute('href')).toBe('/agents/agent-gone');
  });

  it('says the IT view leaves incidents out, instead of claiming there are none', async () => {
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin']),
      url: '/agents/agent-billing',
      server: server([]),
    });
    expect(
      await screen.findByText('No unresolved high or critical incident involves this agent (IT view).'),
    ).toBeTruthy();
  });

  it('says plainly that no incident involves the agent in the SOC view', async () => {
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['responder']),
      url: '/agents/agent-billing',
      server: server([]),
    });
    expect(await screen.findByText('No incident involves this agent.')).toBeTruthy();
  });
});
