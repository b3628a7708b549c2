// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AgentPage } from '../../src/pages/agent/AgentPage.js';
import { agentDetail, me } from './fakes/fixtures.js';
import { FakeServer } from './fakes/fake-server.js';
import { renderPage } from './render.js';

/** The agent route as the server answers it: alerts filtered by `view`. */
function agentServer(): FakeServer {
  return new FakeServer().get('/api/v1/agents/agent-billing', (req) => {
    const view = req.url.searchParams.get('view') === 'it' ? 'it' : 'soc';
    return { body: agentDetail(view) };
  });
}

const viewsRequested = (server: FakeServer) =>
  server.to('/api/v1/agents/agent-billing').map((r) => r.url.searchParams.get('view'));

describe('AgentPage security views', () => {
  it('asks for the IT view for an admin and shows only unresolved high and critical alerts', async () => {
    const server = agentServer();
    renderPage(<AgentPage agentId="agent-billing" />, { me: me(['admin']), url: '/agents/agent-billing', server });

    const alerts = await screen.findByRole('table', { name: 'Alerts (IT view)' });
    expect(viewsRequested(server)).toEqual(['it']);
    expect(within(alerts).getByText('Blocked tool invocation')).toBeTruthy();
    expect(within(alerts).queryByText('Dormant agent woke up')).toBeNull();
    expect(within(alerts).queryByText('Old jailbreak attempt')).toBeNull();
  });

  it('asks for the SOC view for a responder and shows low and resolved alerts too', async () => {
    const server = agentServer();
    renderPage(<AgentPage agentId="agent-billing" />, { me: me(['responder']), url: '/agents/agent-billing', server });

    const alerts = await screen.findByRole('table', { name: 'Alerts (SOC view)' });
    expect(viewsRequested(server)).toEqual(['soc']);
    expect(within(alerts).getByText('Dormant agent woke up')).toBeTruthy();
    expect(within(alerts).getByText('Old jailbreak attempt')).toBeTruthy();
  });

  it('lets someone with both roles switch views, and keeps the choice in ?view=', async () => {
    const server = agentServer();
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin', 'responder']),
      url: '/agents/agent-billing?view=it',
      server,
    });
    await screen.findByRole('table', { name: 'Alerts (IT view)' });
    expect(screen.queryByText('Dormant agent woke up')).toBeNull();

    await userEvent.click(screen.getByRole('tab', { name: 'SOC view' }));

    const soc = await screen.findByRole('table', { name: 'Alerts (SOC view)' });
    expect(within(soc).getByText('Dormant agent woke up')).toBeTruthy();
    expect(viewsRequested(server)).toEqual(['it', 'soc']);
    expect(new URLSearchParams(window.location.search).get('view')).toBe('soc');
  });

  it('honours ?view= for anyone, without offering the switch to a single role', async () => {
    const server = agentServer();
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin']),
      url: '/agents/agent-billing?view=soc',
      server,
    });
    await screen.findByRole('table', { name: 'Alerts (SOC view)' });
    expect(viewsRequested(server)).toEqual(['soc']);
    expect(screen.queryByRole('tablist', { name: 'Security view' })).toBeNull();
  });

  it('shows tools with whose credentials they run on, and risk signals with evidence and OWASP entry', async () => {
    const server = agentServer();
    renderPage(<AgentPage agentId="agent-billing" />, { me: me(['admin']), url: '/agents/agent-billing', server });
    const tools = await screen.findByRole('table', { name: 'Tools' });
    const mcpRow = within(tools).getByText('Invoices MCP').closest('tr') as HTMLElement;
    expect(within(mcpRow).getByText('MCP server')).toBeTruthy();
    expect(within(mcpRow).getByText("Maker's credentials")).toBeTruthy();
    expect(within(mcpRow).getByText('updateInvoice: write')).toBeTruthy();
    expect(screen.getByText("1 tool runs on the maker's credentials")).toBeTruthy();

    const signals = screen.getByRole('list', { name: 'Risk signals' });
    expect(within(signals).getByText('LLM06:2025 Excessive Agency')).toBeTruthy();
    expect(within(signals).getByText('tool Invoices MCP')).toBeTruthy();
  });

  it('shows an error with Retry when the agent cannot be loaded', async () => {
    const server = new FakeServer();
    renderPage(<AgentPage agentId="missing" />, { me: me(['admin']), url: '/agents/missing', server });
    expect(await screen.findByText('Could not load the agent')).toBeTruthy();
    server.get('/api/v1/agents/missing', () => ({ body: agentDetail('it') }));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Customer Billing Agent' })).toBeTruthy());
  });
});
