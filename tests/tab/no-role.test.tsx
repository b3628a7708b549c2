// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.js';
import { createBrowserHost } from '../../src/host/browser-host.js';
import { DEV_PERSONA_KEY } from '../../src/session/dev-persona.js';
import { apiError, FakeServer } from './fakes/fake-server.js';
import { devInfo, personas } from './fakes/fixtures.js';
import { installFakeServer } from './render.js';

const REFUSAL = 'Nestor Wilke has no Agent Warden role (viewer, responder or admin)';

/** The server as hardened: /me answers 403 for a person without a role, until an admin assigns one. */
function serverRefusing(info: typeof devInfo) {
  let assigned = false;
  const server = new FakeServer()
    .get('/api/v1/info', () => ({ body: info }))
    .get('/api/v1/personas', () => ({ body: personas }))
    .get('/api/v1/changes', () => ({ body: { version: 1 } }))
    .get('/api/v1/agents', () => ({ body: { items: [], nextCursor: null } }))
    .get('/api/v1/me', () =>
      assigned
        ? { body: { id: 'u-nestor', upn: 'nestor@zava.example', displayName: 'Nestor Wilke', roles: ['viewer'] } }
        : apiError(403, 'forbidden', REFUSAL),
    );
  return { server, assignViewer: () => (assigned = true) };
}

describe('a person without an Agent Warden role', () => {
  it('is told which role to ask for, and gets in after trying again once it is assigned (Teams SSO)', async () => {
    const { server, assignViewer } = serverRefusing({ ...devInfo, auth: 'entra', clientId: 'client-1' });
    installFakeServer(server);
    const host = { ...createBrowserHost(), inTeams: true, getAuthToken: async () => 'header.e30.sig' };
    render(<App detect={async () => host} pollIntervalMs={0} />);

    expect(await screen.findByText('You have no Agent Warden role')).toBeTruthy();
    expect(screen.getByText(/assign you the Warden\.Viewer role/)).toBeTruthy();
    expect(screen.getByText(/assign you the Warden\.Viewer role/).textContent).toContain(REFUSAL);
    expect(screen.queryByText('Agent Warden could not start')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Switch persona' })).toBeNull();

    assignViewer();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('tab', { name: 'Agents' })).toBeTruthy();
    expect(screen.queryByText('You have no Agent Warden role')).toBeNull();
  });

  it('is told the same with a development persona, and may switch persona', async () => {
    const { server } = serverRefusing(devInfo);
    installFakeServer(server);
    window.localStorage.setItem(DEV_PERSONA_KEY, 'nestor@zava.example');
    render(<App detect={async () => createBrowserHost()} pollIntervalMs={0} />);

    expect(await screen.findByText('You have no Agent Warden role')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Switch persona' }));
    expect(await screen.findByRole('radio', { name: /Megan Bowen/ })).toBeTruthy();
    expect(window.localStorage.getItem(DEV_PERSONA_KEY)).toBeNull();
  });
});
