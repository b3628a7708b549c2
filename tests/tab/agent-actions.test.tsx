// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../src/api/types.js';
import { AgentPage } from '../../src/pages/agent/AgentPage.js';
import { agent, agentDetail, me } from './fakes/fixtures.js';
import { FakeServer } from './fakes/fake-server.js';
import { renderPage } from './render.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function server(): FakeServer {
  return new FakeServer()
    .get('/api/v1/agents/agent-billing', () => ({ body: agentDetail('it') }))
    .post('/api/v1/agents/agent-billing/block', () => ({
      body: { outcome: 'done', message: 'Customer Billing Agent is blocked.', auditId: 'aud-1' } satisfies ActionResult,
    }));
}

describe('Agent actions', () => {
  it('blocks after a confirmation with a reason, sending an Idempotency-Key, and shows the result', async () => {
    const fake = server();
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin']),
      url: '/agents/agent-billing',
      server: fake,
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Block agent' }));

    const dialog = await screen.findByRole('dialog', { name: 'Block Customer Billing Agent' });
    const confirm = within(dialog).getByRole('button', { name: 'Block' });
    expect(confirm.hasAttribute('disabled')).toBe(true);
    expect(fake.to('/api/v1/agents/agent-billing/block')).toHaveLength(0);

    await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Exfiltration attempts');
    await userEvent.click(confirm);

    expect(await screen.findByText('Customer Billing Agent is blocked.')).toBeTruthy();
    const [request, ...more] = fake.to('/api/v1/agents/agent-billing/block', 'POST');
    expect(more).toHaveLength(0);
    expect(request?.body).toEqual({ reason: 'Exfiltration attempts' });
    expect(request?.headers.get('idempotency-key')).toMatch(UUID);
    expect(request?.headers.get('x-dev-user')).toBe('me@zava.example');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('keeps the dialog open with the server message when the action fails, and retries with the same key', async () => {
    let attempts = 0;
    const fake = server().post('/api/v1/agents/agent-billing/block', () => {
      attempts += 1;
      return attempts === 1
        ? { status: 503, body: { error: { code: 'unavailable', message: 'Graph is throttling, try again' } } }
        : { body: { outcome: 'done', message: 'Blocked.', auditId: 'aud-2' } };
    });
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin']),
      url: '/agents/agent-billing',
      server: fake,
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Block agent' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Risky');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Block' }));
    expect(await within(dialog).findByText('Graph is throttling, try again')).toBeTruthy();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Block' }));
    expect(await screen.findByText('Blocked.')).toBeTruthy();
    const keys = fake.to('/api/v1/agents/agent-billing/block').map((r) => r.headers.get('idempotency-key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('offers Unblock instead of Block on a blocked agent, to admins', async () => {
    const fake = new FakeServer().get('/api/v1/agents/agent-billing', () => ({
      body: agentDetail('it', { agent: agent({ lifecycle: 'blocked', blockReason: 'Exfiltration' }) }),
    }));
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['admin']),
      url: '/agents/agent-billing',
      server: fake,
    });
    expect(await screen.findByRole('button', { name: 'Unblock agent' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Block agent' })).toBeNull();
  });

  it('does not offer Unblock to a responder', async () => {
    const fake = new FakeServer().get('/api/v1/agents/agent-billing', () => ({
      body: agentDetail('soc', { agent: agent({ lifecycle: 'blocked' }) }),
    }));
    renderPage(<AgentPage agentId="agent-billing" />, {
      me: me(['responder']),
      url: '/agents/agent-billing',
      server: fake,
    });
    expect(await screen.findByRole('button', { name: 'Notify maker' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Unblock agent' })).toBeNull();
  });
});
