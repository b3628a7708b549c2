// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { HuntingResult } from '../../src/api/types.js';
import { HuntingPage } from '../../src/pages/hunting/HuntingPage.js';
import { apiError, FakeServer } from './fakes/fake-server.js';
import { me } from './fakes/fixtures.js';
import { renderPage } from './render.js';

const mcpResult: HuntingResult = {
  schema: [
    { name: 'AIAgentId', type: 'string' },
    { name: 'AIAgentName', type: 'string' },
    { name: 'Tools', type: 'long' },
  ],
  results: [
    { AIAgentId: 'agent-billing', AIAgentName: 'Customer Billing Agent', Tools: 3 },
    { AIAgentId: 'agent-hr', AIAgentName: 'HR Helper', Tools: 12 },
    { AIAgentId: 'agent-sales', AIAgentName: 'Sales Coach', Tools: 1 },
  ],
};

function huntingServer(): FakeServer {
  return new FakeServer()
    .get('/api/v1/hunting/templates', () => ({
      body: [
        {
          id: 'mcp-maker-credentials',
          name: "Agents with MCP tools on the maker's credentials",
          description: 'MCP servers connected with the maker’s own connection',
          query: 'AIAgentsInfo | where ...',
        },
      ],
    }))
    .post('/api/v1/hunting/run', (req) =>
      (req.body as { query?: string }).query === 'bad'
        ? apiError(400, 'invalid_query', 'line 3, column 14: unknown operator')
        : { body: mcpResult },
    )
    .post(/^\/api\/v1\/agents\/([^/]+)\/(notify-maker|block)$/, () => ({
      body: { outcome: 'done', message: 'ok', auditId: 'a' },
    }));
}

const dataRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('HuntingPage', () => {
  it('runs a template and sorts the results by a column', async () => {
    const server = huntingServer();
    renderPage(<HuntingPage />, { me: me(['responder']), url: '/hunting', server });
    await userEvent.click(
      await screen.findByRole('button', { name: "Run template Agents with MCP tools on the maker's credentials" }),
    );
    const table = await screen.findByRole('table', { name: 'Hunting results' });
    expect(server.to('/api/v1/hunting/run')[0]?.body).toEqual({ templateId: 'mcp-maker-credentials' });
    expect(dataRows(table)).toHaveLength(3);

    await userEvent.click(within(table).getByRole('button', { name: 'Tools' }));
    expect(dataRows(table).map((r) => within(r).getAllByRole('cell').at(-1)?.textContent)).toEqual(['1', '3', '12']);
    await userEvent.click(within(table).getByRole('button', { name: 'Tools' }));
    expect(dataRows(table).map((r) => within(r).getAllByRole('cell').at(-1)?.textContent)).toEqual(['12', '3', '1']);
  });

  it('shows the server message when a query does not parse', async () => {
    renderPage(<HuntingPage />, { me: me(['responder']), url: '/hunting', server: huntingServer() });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Query' }), 'bad');
    await userEvent.click(screen.getByRole('button', { name: 'Run query' }));
    expect(await screen.findByText('line 3, column 14: unknown operator')).toBeTruthy();
  });

  it('notifies the makers of the selected agents, one request per agent', async () => {
    const server = huntingServer();
    renderPage(<HuntingPage />, { me: me(['responder']), url: '/hunting', server });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Query' }), 'AIAgentsInfo');
    await userEvent.click(screen.getByRole('button', { name: 'Run query' }));
    await screen.findByRole('table', { name: 'Hunting results' });
    // A responder may notify but not bulk-block.
    expect(screen.queryByRole('button', { name: /^Block/ })).toBeNull();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Customer Billing Agent' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select HR Helper' }));
    await userEvent.click(screen.getByRole('button', { name: 'Notify makers (2)' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send' }));

    expect(await screen.findByText('Notified the makers of 2 agents.')).toBeTruthy();
    const paths = server.requests.filter((r) => r.method === 'POST' && r.url.pathname.endsWith('/notify-maker'));
    expect(paths.map((r) => r.url.pathname).sort()).toEqual([
      '/api/v1/agents/agent-billing/notify-maker',
      '/api/v1/agents/agent-hr/notify-maker',
    ]);
    const keys = new Set(paths.map((r) => r.headers.get('idempotency-key')));
    expect(keys.size).toBe(2);
  });

  it('lets an admin block the selected agents', async () => {
    const server = huntingServer();
    renderPage(<HuntingPage />, { me: me(['admin']), url: '/hunting', server });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Query' }), 'AIAgentsInfo');
    await userEvent.click(screen.getByRole('button', { name: 'Run query' }));
    await screen.findByRole('table', { name: 'Hunting results' });
    expect(screen.getByRole('button', { name: 'Block (0)' }).hasAttribute('disabled')).toBe(true);

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select Sales Coach' }));
    await userEvent.click(screen.getByRole('button', { name: 'Block (1)' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'MCP on maker credentials');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(server.to('/api/v1/agents/agent-sales/block')).toHaveLength(1));
    expect(server.to('/api/v1/agents/agent-sales/block')[0]?.body).toEqual({ reason: 'MCP on maker credentials' });
  });
});
