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
      body: {
        items: [
          {
            id: 'mcp-maker-credentials',
            name: "Agents with MCP tools on the maker's credentials",
            description: 'MCP servers connected with the maker’s own connection',
            title: "Agents with MCP tools on the maker's credentials",
            finds: 'MCP servers connected with the maker’s own connection',
            why: 'Anyone who can talk to the agent acts with the maker’s permissions.',
            owasp: ['LLM06:2025 Excessive Agency'],
            mitre: ['T1078'],
            severity: 'high',
            tables: ['AIAgentsInfo'],
            query: 'AIAgentsInfo | where ...',
          },
        ],
        tables: { AIAgentsInfo: [{ name: 'AIAgentId', type: 'string' }] },
      },
    }))
    .post('/api/v1/hunting/run', (req) =>
      (req.body as { query?: string }).query === 'bad'
        ? apiError(400, 'invalid_query', 'line 3, column 14: unknown operator')
        : { body: mcpResult },
    )
    .post(/^\/api\/v1\/agents\/bulk\/(notify-maker|block)$/, (req, match) => {
      const { agentIds } = req.body as { agentIds: string[] };
      const results = agentIds.map((agentId) =>
        agentId === 'agent-gone'
          ? { agentId, outcome: 'failed', message: "agent 'agent-gone' was not found", auditId: null }
          : { agentId, outcome: 'done', message: 'ok', auditId: `audit-${agentId}` },
      );
      const failed = results.filter((r) => r.outcome === 'failed').length;
      return {
        body: {
          action: match?.[1] === 'block' ? 'blockAgent' : 'notifyMaker',
          results,
          summary: { done: results.length - failed, noop: 0, failed },
        },
      };
    });
}

const dataRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('HuntingPage', () => {
  it("says when the agent tables were an earlier version's, being prepared again after a change", async () => {
    const asOf = '2026-12-07T09:15:00.000Z';
    const server = huntingServer().post('/api/v1/hunting/run', () => ({
      body: { ...mcpResult, stats: { agentTablesAsOf: asOf } },
    }));
    renderPage(<HuntingPage />, { me: me(['responder']), url: '/hunting', server });
    await userEvent.click(
      await screen.findByRole('button', { name: "Run template Agents with MCP tools on the maker's credentials" }),
    );
    await screen.findByRole('table', { name: 'Hunting results' });
    expect(screen.getByRole('status').textContent).toContain(
      `Agent tables as of ${new Date(asOf).toLocaleTimeString()}: the latest changes are being prepared`,
    );
  });

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

  it('notifies the makers of the selected agents in one bulk request', async () => {
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
    // One bulk request for the selection, with the dialog's idempotency key.
    const bulk = server.to('/api/v1/agents/bulk/notify-maker');
    expect(bulk).toHaveLength(1);
    expect(bulk[0]?.body).toEqual({
      agentIds: ['agent-billing', 'agent-hr'],
      message: 'Agent Warden found a risky configuration in your agent. Please review it and submit a safer version.',
    });
    expect(bulk[0]?.headers.get('idempotency-key')).toBeTruthy();
    expect(server.requests.some((r) => /\/agents\/agent-[^/]+\/notify-maker$/.test(r.url.pathname))).toBe(false);
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
    await waitFor(() => expect(server.to('/api/v1/agents/bulk/block')).toHaveLength(1));
    expect(server.to('/api/v1/agents/bulk/block')[0]?.body).toEqual({
      agentIds: ['agent-sales'],
      reason: 'MCP on maker credentials',
    });
    expect(await screen.findByText('Blocked 1 agent.')).toBeTruthy();
  });

  it('reports the agents a bulk action failed for', async () => {
    const server = huntingServer().post('/api/v1/hunting/run', () => ({
      body: {
        ...mcpResult,
        results: [...mcpResult.results, { AIAgentId: 'agent-gone', AIAgentName: 'Gone Agent', Tools: 0 }],
      },
    }));
    renderPage(<HuntingPage />, { me: me(['admin']), url: '/hunting', server });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Query' }), 'AIAgentsInfo');
    await userEvent.click(screen.getByRole('button', { name: 'Run query' }));
    await screen.findByRole('table', { name: 'Hunting results' });
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all rows' }));
    await userEvent.click(screen.getByRole('button', { name: 'Notify makers (4)' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(
      await screen.findByText(
        "Notified the makers of 3 agents, failed for agent-gone (agent 'agent-gone' was not found).",
      ),
    ).toBeTruthy();
  });

  it('runs the template named in the link from a card (/hunting?template=...)', async () => {
    const server = huntingServer();
    renderPage(<HuntingPage />, { me: me(['viewer']), url: '/hunting?template=mcp-maker-credentials', server });
    const table = await screen.findByRole('table', { name: 'Hunting results' });
    expect(server.to('/api/v1/hunting/run')[0]?.body).toEqual({ templateId: 'mcp-maker-credentials' });
    expect(dataRows(table)).toHaveLength(3);
    expect((screen.getByRole('textbox', { name: 'Query' }) as HTMLTextAreaElement).value).toBe(
      'AIAgentsInfo | where ...',
    );
  });

  it('says when the server capped the rows', async () => {
    const server = huntingServer().post('/api/v1/hunting/run', () => ({
      body: { ...mcpResult, rowCount: 12_000, truncated: true },
    }));
    renderPage(<HuntingPage />, { me: me(['viewer']), url: '/hunting', server });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Query' }), 'AIAgentsInfo');
    await userEvent.click(screen.getByRole('button', { name: 'Run query' }));
    expect(await screen.findByText(/3 rows of 12,000/)).toBeTruthy();
  });
});
