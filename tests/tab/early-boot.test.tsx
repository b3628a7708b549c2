// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.js';
import { startEarlyBoot } from '../../src/app/useAppBootstrap.js';
import { createBrowserHost } from '../../src/host/browser-host.js';
import { DEV_PERSONA_KEY } from '../../src/session/dev-persona.js';
import { FakeServer } from './fakes/fake-server.js';
import { agentSummary, billingAgentSummary, devInfo, personas } from './fakes/fixtures.js';
import { installFakeServer } from './render.js';

function devServer(): FakeServer {
  return new FakeServer()
    .get('/api/v1/info', () => ({ body: devInfo }))
    .get('/api/v1/personas', () => ({ body: personas }))
    .get('/api/v1/changes', () => ({ body: { version: 1 } }))
    .get('/api/v1/agents', () => ({ body: { items: [billingAgentSummary, agentSummary(1)], nextCursor: null } }))
    .get('/api/v1/me', (req) => {
      const p = personas.find((x) => x.upn === req.headers.get('x-dev-user'))!;
      return { body: { id: p.id, upn: p.upn, displayName: p.displayName, roles: p.roles } };
    });
}

/** Lets the requests' async header lookups run (no rendering happens in between). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const renderApp = () => render(<App detect={async () => createBrowserHost()} pollIntervalMs={0} />);

describe('early boot (main.tsx starts the first requests before React renders)', () => {
  it('asks for info, the persona and the first registry page once, before the first render, and uses them', async () => {
    const server = installFakeServer(devServer());
    window.localStorage.removeItem(DEV_PERSONA_KEY);
    window.history.replaceState(null, '', '/agents?as=megan%40zava.example');

    startEarlyBoot();
    await settle();
    // All three left before React rendered anything, in parallel.
    expect(server.requests.map((r) => r.url.pathname).sort()).toEqual(['/api/v1/agents', '/api/v1/info', '/api/v1/me']);
    expect(server.to('/api/v1/agents')[0]!.headers.get('x-dev-user')).toBe('megan@zava.example');

    renderApp();
    expect(await screen.findByRole('row', { name: /Customer Billing Agent/ })).toBeTruthy();
    expect(screen.getByText(/You act as Megan Bowen/)).toBeTruthy();
    // The app took the early answers instead of asking again.
    expect(server.to('/api/v1/info')).toHaveLength(1);
    expect(server.to('/api/v1/me')).toHaveLength(1);
    expect(server.to('/api/v1/agents')).toHaveLength(1);
  });

  it('does not prefetch the registry for another page, nor sign in anyone without a persona', async () => {
    const server = installFakeServer(devServer());
    window.localStorage.removeItem(DEV_PERSONA_KEY);
    window.history.replaceState(null, '', '/incidents');
    startEarlyBoot();
    await settle();
    expect(server.requests.map((r) => r.url.pathname)).toEqual(['/api/v1/info']);
    renderApp();
    expect(await screen.findByRole('radio', { name: /Megan Bowen/ })).toBeTruthy();
    expect(server.to('/api/v1/me')).toHaveLength(0);
    expect(server.to('/api/v1/agents')).toHaveLength(0);
  });

  it('asks again on its own when the prefetched first page failed', async () => {
    let calls = 0;
    const server = installFakeServer(
      devServer().get('/api/v1/agents', () =>
        ++calls === 1
          ? { status: 503, body: { error: { code: 'unavailable', message: 'try again' } } }
          : { body: { items: [billingAgentSummary], nextCursor: null } },
      ),
    );
    window.localStorage.setItem(DEV_PERSONA_KEY, 'megan@zava.example');
    window.history.replaceState(null, '', '/');
    startEarlyBoot();
    renderApp();
    expect(await screen.findByRole('row', { name: /Customer Billing Agent/ })).toBeTruthy();
    expect(server.to('/api/v1/agents')).toHaveLength(2);
  });
});
