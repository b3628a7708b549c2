// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.js';
import { createBrowserHost } from '../../src/host/browser-host.js';
import { DEV_PERSONA_KEY } from '../../src/session/dev-persona.js';
import { apiError, FakeServer } from './fakes/fake-server.js';
import { devInfo, personas } from './fakes/fixtures.js';
import { installFakeServer } from './render.js';

/** The server in AUTH=dev: /me answers for a known persona named in x-dev-user. */
function devServer(): FakeServer {
  return new FakeServer()
    .get('/api/v1/info', () => ({ body: devInfo }))
    .get('/api/v1/personas', () => ({ body: personas }))
    .get('/api/v1/changes', () => ({ body: { version: 1 } }))
    .get('/api/v1/agents', () => ({ body: { items: [], nextCursor: null } }))
    .get('/api/v1/me', (req) => {
      const p = personas.find((x) => x.upn === req.headers.get('x-dev-user'));
      return p
        ? { body: { id: p.id, upn: p.upn, displayName: p.displayName, roles: p.roles } }
        : apiError(401, 'unauthenticated', 'unknown persona');
    });
}

const renderApp = () => render(<App detect={async () => createBrowserHost()} pollIntervalMs={0} />);

describe('dev sign-in', () => {
  it('offers the personas, remembers the choice, and signs in with x-dev-user', async () => {
    const server = installFakeServer(devServer());
    window.history.replaceState(null, '', '/');
    const first = renderApp();

    await userEvent.click(await screen.findByRole('radio', { name: /Megan Bowen/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText(/You act as Megan Bowen/)).toBeTruthy();
    expect(window.localStorage.getItem(DEV_PERSONA_KEY)).toBe('megan@zava.example');
    expect(server.to('/api/v1/me').at(-1)?.headers.get('x-dev-user')).toBe('megan@zava.example');
    await waitFor(() => expect(window.location.pathname).toBe('/agents'));
    await waitFor(() =>
      expect(server.to('/api/v1/agents').at(-1)?.headers.get('x-dev-user')).toBe('megan@zava.example'),
    );

    // A reload goes straight in as Megan.
    first.unmount();
    renderApp();
    expect(await screen.findByText(/You act as Megan Bowen/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('takes the persona from ?as= and shows the development banner', async () => {
    installFakeServer(devServer());
    window.history.replaceState(null, '', '/incidents?as=adele%40zava.example');
    renderApp();
    const banner = await screen.findByText(/You act as Adele Vance/);
    expect(banner).toBeTruthy();
    expect(screen.getByText('Development sign-in')).toBeTruthy();
    expect(window.localStorage.getItem(DEV_PERSONA_KEY)).toBe('adele@zava.example');
    expect(window.location.search).toBe('');
    expect(window.location.pathname).toBe('/incidents');
  });

  it('switching persona shows the picker again', async () => {
    installFakeServer(devServer());
    window.localStorage.setItem(DEV_PERSONA_KEY, 'lee@zava.example');
    window.history.replaceState(null, '', '/agents');
    renderApp();
    await userEvent.click(await screen.findByRole('button', { name: 'Switch persona' }));
    expect(await screen.findByRole('radio', { name: /Lee Gu/ })).toBeTruthy();
    expect(window.localStorage.getItem(DEV_PERSONA_KEY)).toBeNull();
  });

  it('forgets a remembered persona the server no longer knows', async () => {
    installFakeServer(devServer());
    window.localStorage.setItem(DEV_PERSONA_KEY, 'gone@zava.example');
    renderApp();
    expect(await screen.findByText(/Could not sign in as gone@zava.example/)).toBeTruthy();
    expect(window.localStorage.getItem(DEV_PERSONA_KEY)).toBeNull();
  });
});

describe('deep links', () => {
  it('opens the incident named by the Teams sub-entity id', async () => {
    const server = installFakeServer(devServer());
    server.get('/api/v1/incidents/inc-7', () => apiError(404, 'not_found', "incident 'inc-7' was not found"));
    window.localStorage.setItem(DEV_PERSONA_KEY, 'megan@zava.example');
    window.history.replaceState(null, '', '/');
    render(
      <App
        detect={async () => ({ ...createBrowserHost(), inTeams: true, subPageId: 'incident:inc-7' })}
        pollIntervalMs={0}
      />,
    );
    expect(await screen.findByText("incident 'inc-7' was not found")).toBeTruthy();
    expect(window.location.pathname).toBe('/incidents/inc-7');
    expect(screen.getByRole('tab', { name: 'Incidents' }).getAttribute('aria-selected')).toBe('true');
  });
});
