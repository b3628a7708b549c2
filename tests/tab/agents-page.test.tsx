// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AgentSummary, Page } from '../../src/api/types.js';
import { AgentsPage } from '../../src/pages/agents/AgentsPage.js';
import { agentSummary, billingAgentSummary, me } from './fakes/fixtures.js';
import { FakeServer } from './fakes/fake-server.js';
import { renderPage } from './render.js';

/** A registry the fake filters the way the server does (search, mcpMaker), paged by a numeric cursor. */
function registry(agents: AgentSummary[]): FakeServer {
  return new FakeServer().get('/api/v1/agents', (req) => {
    const q = req.url.searchParams;
    let items = agents;
    const search = q.get('search')?.toLowerCase();
    if (search) items = items.filter((a) => a.name.toLowerCase().includes(search));
    if (q.get('mcpMaker') === 'true') items = items.filter((a) => a.mcpOnMakerCredentials);
    const start = Number(q.get('cursor') ?? 0);
    const limit = Number(q.get('limit') ?? 50);
    const page: Page<AgentSummary> = {
      items: items.slice(start, start + limit),
      nextCursor: start + limit < items.length ? String(start + limit) : null,
    };
    return { body: page };
  });
}

const bodyRows = () => screen.getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');

describe('AgentsPage', () => {
  it('renders a row per agent with its risk, platform, maker and lifecycle', async () => {
    const server = registry([billingAgentSummary, agentSummary(1), agentSummary(2, { lifecycle: 'blocked' })]);
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });

    const table = await screen.findByRole('table', { name: 'Agents' });
    expect(bodyRows()).toHaveLength(3);
    const billing = within(table).getByText('Customer Billing Agent').closest('[role="row"]') as HTMLElement;
    expect(within(billing).getByText('Critical')).toBeTruthy();
    expect(within(billing).getByText('65')).toBeTruthy();
    expect(within(billing).getByText('Copilot Studio')).toBeTruthy();
    expect(within(billing).getByRole('img', { name: 'MCP on maker credentials' })).toBeTruthy();
    expect(within(table).getByText('Blocked')).toBeTruthy();
    expect(server.to('/api/v1/agents')[0]?.url.searchParams.get('sort')).toBe('risk');
  });

  it('filters on MCP tools on maker credentials', async () => {
    const server = registry([billingAgentSummary, agentSummary(1), agentSummary(2)]);
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    await screen.findByRole('table', { name: 'Agents' });
    expect(bodyRows()).toHaveLength(3);

    await userEvent.click(screen.getByRole('switch', { name: 'MCP on maker credentials' }));

    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(screen.getByText('Customer Billing Agent')).toBeTruthy();
    expect(server.to('/api/v1/agents').at(-1)?.url.searchParams.get('mcpMaker')).toBe('true');
  });

  it('searches once the user stops typing', async () => {
    const server = registry([billingAgentSummary, agentSummary(1), agentSummary(2)]);
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    await screen.findByRole('table', { name: 'Agents' });

    await userEvent.type(screen.getByRole('searchbox'), 'billing');

    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    const searches = server.to('/api/v1/agents').map((r) => r.url.searchParams.get('search'));
    // Debounced: no request per keystroke.
    expect(searches.filter(Boolean)).toEqual(['billing']);
  });

  it('says so when no agent matches', async () => {
    const server = registry([agentSummary(1)]);
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    await screen.findByRole('table', { name: 'Agents' });
    await userEvent.click(screen.getByRole('switch', { name: 'MCP on maker credentials' }));
    expect(await screen.findByText('No agent matches these filters')).toBeTruthy();
  });

  it('renders only the rows in view and fetches the next page when scrolled near the end', async () => {
    const many = Array.from({ length: 250 }, (_, i) => agentSummary(i + 1));
    const server = registry(many);
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    const table = await screen.findByRole('table', { name: 'Agents' });
    expect(table.getAttribute('aria-rowcount')).toBe('-1');
    const rendered = bodyRows().length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    expect(server.to('/api/v1/agents')).toHaveLength(1);

    const body = within(table).getAllByRole('rowgroup')[1] as HTMLElement;
    body.scrollTop = 90 * 44;
    fireEvent.scroll(body);

    await waitFor(() => expect(server.to('/api/v1/agents')).toHaveLength(2));
    expect(server.to('/api/v1/agents')[1]?.url.searchParams.get('cursor')).toBe('100');
    expect(bodyRows().length).toBeLessThan(60);
    expect(screen.getByText('Agent 95')).toBeTruthy();
  });

  it('opens an agent with Enter and moves between rows with the arrow keys', async () => {
    const server = registry([billingAgentSummary, agentSummary(1)]);
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    await screen.findByRole('table', { name: 'Agents' });
    const [first, second] = bodyRows();
    expect(first?.tabIndex).toBe(0);
    expect(second?.tabIndex).toBe(-1);

    first?.focus();
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => expect(document.activeElement).toBe(second));
    await userEvent.keyboard('{Enter}');
    expect(window.location.pathname).toBe('/agents/agent-1');
  });

  it('shows the error and retries', async () => {
    let fail = true;
    const server = new FakeServer().get('/api/v1/agents', () =>
      fail
        ? { status: 500, body: { error: { code: 'internal', message: 'database unavailable' } } }
        : { body: { items: [billingAgentSummary], nextCursor: null } },
    );
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    expect(await screen.findByText('database unavailable')).toBeTruthy();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Customer Billing Agent')).toBeTruthy();
  });

  it('keeps the previous rows, marked busy, while new filters load, then shows the new ones', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const base = registry([billingAgentSummary, agentSummary(1), agentSummary(2)]);
    const server = base.get('/api/v1/agents', async (req) => {
      if (req.url.searchParams.get('mcpMaker') === 'true') {
        await held;
        return { body: { items: [billingAgentSummary], nextCursor: null } };
      }
      return { body: { items: [billingAgentSummary, agentSummary(1), agentSummary(2)], nextCursor: null } };
    });
    renderPage(<AgentsPage />, { me: me(['admin']), url: '/agents', server });
    const table = await screen.findByRole('table', { name: 'Agents' });
    expect(bodyRows()).toHaveLength(3);

    await userEvent.click(screen.getByRole('switch', { name: 'MCP on maker credentials' }));
    await waitFor(() => expect(server.to('/api/v1/agents')).toHaveLength(2));
    // Still the same table with the old rows, busy; no spinner instead of the table.
    expect(screen.getByRole('table', { name: 'Agents' })).toBe(table);
    expect(table.getAttribute('aria-busy')).toBe('true');
    expect(bodyRows()).toHaveLength(3);
    expect(screen.queryByText('Loading agents')).toBeNull();

    release();
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(table.getAttribute('aria-busy')).toBe('false');
  });
});
