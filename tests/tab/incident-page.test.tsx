// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { IncidentPage } from '../../src/pages/incident/IncidentPage.js';
import { incidentDetail, me } from './fakes/fixtures.js';
import { FakeServer } from './fakes/fake-server.js';
import { renderPage } from './render.js';

function incidentServer(): FakeServer {
  return new FakeServer()
    .get('/api/v1/incidents/inc-1', () => ({ body: incidentDetail() }))
    .post('/api/v1/users/u-griffin/revoke', () => ({
      body: { outcome: 'done', message: "Griffin Cho's sessions are revoked.", auditId: 'aud-9' },
    }))
    .post('/api/v1/incidents/inc-1/resolve', () => ({
      body: { outcome: 'done', message: 'Incident resolved.', auditId: 'aud-10' },
    }));
}

describe('IncidentPage', () => {
  it('draws the entity graph with a focusable, labelled node per entity', async () => {
    renderPage(<IncidentPage incidentId="inc-1" />, {
      me: me(['responder']),
      url: '/incidents/inc-1',
      server: incidentServer(),
    });
    const graph = await screen.findByRole('group', { name: 'Entity graph' });

    const ip = within(graph).getByRole('img', { name: /^IP address 78\.131\.11\.108/ });
    const user = within(graph).getByRole('img', { name: /^User Griffin Cho, griffin@zava\.example/ });
    const tool = within(graph).getByRole('img', { name: /^Tool Send an email/ });
    const agent = within(graph).getByRole('link', { name: /^Agent Customer Billing Agent, Copilot Studio/ });
    for (const node of [ip, user, agent, tool]) expect(node.getAttribute('tabindex')).toBe('0');
    // Edges ip -> user -> agent -> tool are in the names, for people who cannot see the lines.
    expect(ip.getAttribute('aria-label')).toContain('linked to user Griffin Cho');
    expect(user.getAttribute('aria-label')).toContain('agent Customer Billing Agent');
    expect(agent.getAttribute('aria-label')).toContain('tool Send an email');
    expect(within(graph).getByRole('list', { name: 'Users' })).toBeTruthy();
    // Labels are drawn as text too.
    expect(within(graph).getByText('Griffin Cho')).toBeTruthy();

    user.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(agent);
    await userEvent.keyboard('{Enter}');
    expect(window.location.pathname).toBe('/agents/agent-billing');
  });

  it('shows the timeline with decision, IP, tool and rules, and the alerts', async () => {
    renderPage(<IncidentPage incidentId="inc-1" />, {
      me: me(['responder']),
      url: '/incidents/inc-1',
      server: incidentServer(),
    });
    const timeline = await screen.findByRole('table', { name: 'Timeline' });
    const rows = within(timeline).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    const first = rows[0] as HTMLElement;
    expect(within(first).getByText('Blocked')).toBeTruthy();
    expect(within(first).getByText('::ffff:78.131.11.108')).toBeTruthy();
    expect(within(first).getByText('Send an email')).toBeTruthy();
    expect(within(first).getByText('exfiltration')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Alerts' })).getByText('Blocked tool invocation')).toBeTruthy();
  });

  it('revokes the user with the incident id and an Idempotency-Key', async () => {
    const server = incidentServer();
    renderPage(<IncidentPage incidentId="inc-1" />, { me: me(['responder']), url: '/incidents/inc-1', server });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Revoke sessions & require password reset: Griffin Cho' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText("Griffin Cho's sessions are revoked.")).toBeTruthy();
    const [request] = server.to('/api/v1/users/u-griffin/revoke', 'POST');
    expect(request?.body).toEqual({ incidentId: 'inc-1' });
    expect(request?.headers.get('idempotency-key')).toBeTruthy();
  });

  it('resolves only once a classification and a comment are given', async () => {
    const server = incidentServer();
    renderPage(<IncidentPage incidentId="inc-1" />, { me: me(['responder']), url: '/incidents/inc-1', server });
    await userEvent.click(await screen.findByRole('button', { name: 'Resolve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Resolve incident' });
    const confirm = within(dialog).getByRole('button', { name: 'Resolve' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Comment/ }), 'Confirmed with Griffin');
    expect(confirm.hasAttribute('disabled')).toBe(true);
    await userEvent.click(within(dialog).getByRole('radio', { name: 'True positive' }));
    await userEvent.click(confirm);
    expect(await screen.findByText('Incident resolved.')).toBeTruthy();
    expect(server.to('/api/v1/incidents/inc-1/resolve')[0]?.body).toEqual({
      classification: 'truePositive',
      comment: 'Confirmed with Griffin',
    });
  });
});
