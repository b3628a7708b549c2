// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AgentPage } from '../../src/pages/agent/AgentPage.js';
import { IncidentPage } from '../../src/pages/incident/IncidentPage.js';
import { agentDetail, incidentDetail, me } from './fakes/fixtures.js';
import { FakeServer } from './fakes/fake-server.js';
import { renderPage } from './render.js';

const ACTION = /block|unblock|notify|revoke|assign|resolve|approve|reject/i;

describe('a viewer', () => {
  it('sees the agent but no action button', async () => {
    const server = new FakeServer().get('/api/v1/agents/agent-billing', () => ({ body: agentDetail('it') }));
    renderPage(<AgentPage agentId="agent-billing" />, { me: me(['viewer']), url: '/agents/agent-billing', server });
    expect(await screen.findByRole('heading', { name: 'Customer Billing Agent' })).toBeTruthy();
    expect(screen.queryAllByRole('button', { name: ACTION })).toEqual([]);
    expect(screen.getByRole('note').textContent).toBe(
      'Read only: your Agent Warden role is Viewer. To block this agent or notify its maker, ask an admin for the ' +
        'IT admin (Warden.Admin) or SOC responder (Warden.Responder) role.',
    );
  });

  it('sees the incident but no action button', async () => {
    const server = new FakeServer().get('/api/v1/incidents/inc-1', () => ({ body: incidentDetail() }));
    renderPage(<IncidentPage incidentId="inc-1" />, { me: me(['viewer']), url: '/incidents/inc-1', server });
    expect(await screen.findByRole('heading', { name: /Data exfiltration attempt/ })).toBeTruthy();
    expect(screen.queryAllByRole('button', { name: ACTION })).toEqual([]);
    expect(screen.getByRole('note').textContent).toMatch(
      /role is Viewer\. To revoke users, block agents or resolve incidents, .* SOC responder \(Warden\.Responder\)/,
    );
  });

  it('while a responder sees the incident actions', async () => {
    const server = new FakeServer().get('/api/v1/incidents/inc-1', () => ({ body: incidentDetail() }));
    renderPage(<IncidentPage incidentId="inc-1" />, { me: me(['responder']), url: '/incidents/inc-1', server });
    expect(
      await screen.findByRole('button', { name: 'Revoke sessions & require password reset: Griffin Cho' }),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Block agent: Customer Billing Agent' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Assign to me' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeTruthy();
    expect(screen.queryByRole('note')).toBeNull();
  });
});
