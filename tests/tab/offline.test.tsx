// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app/App.js';
import { createBrowserHost } from '../../src/host/browser-host.js';
import { DEV_PERSONA_KEY } from '../../src/session/dev-persona.js';
import { FakeServer } from './fakes/fake-server.js';
import { billingAgentSummary, devInfo, personas } from './fakes/fixtures.js';
import './render.js';

/** A server that can stop answering after sign-in: fetch then rejects as a browser's does. */
function stoppableServer() {
  const megan = personas.find((p) => p.upn === 'megan@zava.example')!;
  let version = 1;
  const server = new FakeServer()
    .get('/api/v1/info', () => ({ body: devInfo }))
    .get('/api/v1/me', () => ({
      body: { id: megan.id, upn: megan.upn, displayName: megan.displayName, roles: megan.roles },
    }))
    .get('/api/v1/changes', () => ({ body: { version } }))
    .get('/api/v1/agents', () => ({ body: { items: [billingAgentSummary], nextCursor: null, total: 1 } }));
  const state = { down: false };
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), 'http://tab.test').pathname;
    const bootstrap = path === '/api/v1/info' || path === '/api/v1/me';
    if (state.down && !bootstrap) return Promise.reject(new TypeError('Failed to fetch'));
    return server.fetch(input, init);
  });
  return {
    state,
    bumpVersion: () => (version += 1),
  };
}

describe('the server stops and comes back', () => {
  it('says the page is offline instead of "Failed to fetch", and recovers without Retry', async () => {
    const server = stoppableServer();
    server.state.down = true; // stops right after sign-in: the registry's first load gets no answer
    window.localStorage.setItem(DEV_PERSONA_KEY, 'megan@zava.example');
    window.history.replaceState(null, '', '/agents');
    render(<App detect={async () => createBrowserHost()} pollIntervalMs={50} />);

    expect(await screen.findByText('Offline')).toBeTruthy();
    expect(await screen.findByText(/The Agent Warden server cannot be reached\. It may be restarting/)).toBeTruthy();
    expect(screen.queryByText(/Failed to fetch/)).toBeNull();

    server.state.down = false; // back: the banner goes and the page loads by itself
    expect(await screen.findByText('Customer Billing Agent')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Offline')).toBeNull());
  });
});
