import { FluentProvider, Toaster, teamsLightTheme } from '@fluentui/react-components';
import { cleanup, configure, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, vi } from 'vitest';
import { ApiClient } from '../../src/api/api-client.js';
import type { Me } from '../../src/api/types.js';
import { createWardenApi } from '../../src/api/warden-api.js';
import { TOASTER_ID } from '../../src/app/toaster.js';
import { createBrowserHost } from '../../src/host/browser-host.js';
import { RouterProvider } from '../../src/router/Router.js';
import { ChangesProvider } from '../../src/session/Changes.js';
import { SessionProvider } from '../../src/session/Session.js';
import { devInfo } from './fakes/fixtures.js';
import { FakeServer } from './fakes/fake-server.js';

// findBy*/waitFor bound a hang, they do not measure speed: on a loaded 2-core machine a page can take
// longer than Testing Library's default second to settle.
configure({ asyncUtilTimeout: 10_000 });

// jsdom has no layout: Fluent's MessageBar measures itself with ResizeObserver. A no-op one will do.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}

// jsdom lays nothing out, so Tabster (Fluent's focus manager) would take every element for invisible:
// a Dialog would then focus its surface instead of its first field, unlike a browser. Give the page a
// size and elements an offsetParent, as a browser would.
document.body.getBoundingClientRect = () => new DOMRect(0, 0, 1280, 800);
Object.defineProperty(HTMLElement.prototype, 'offsetParent', {
  configurable: true,
  get(this: HTMLElement) {
    return this.parentElement;
  },
});

// Vitest runs without globals here, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});

/** Puts a fake API behind the global fetch. */
export function installFakeServer(server = new FakeServer()): FakeServer {
  vi.stubGlobal('fetch', server.fetch);
  return server;
}

export interface RenderPageOptions {
  me: Me;
  /** URL the page is opened at (path and query). */
  url: string;
  server: FakeServer;
}

/** Renders a page inside the providers the Shell gives it, signed in with a dev persona; no change polling. */
export function renderPage(ui: ReactElement, { me, url, server }: RenderPageOptions): RenderResult {
  installFakeServer(server);
  window.history.replaceState(null, '', url);
  const api = createWardenApi(new ApiClient({ authHeaders: async () => ({ 'x-dev-user': me.upn }) }));
  return render(
    <FluentProvider theme={teamsLightTheme}>
      <SessionProvider
        value={{ api, me, info: devInfo, host: createBrowserHost(), devUser: me.upn, switchPersona: () => undefined }}
      >
        <ChangesProvider intervalMs={0}>
          <RouterProvider>{ui}</RouterProvider>
        </ChangesProvider>
      </SessionProvider>
      <Toaster toasterId={TOASTER_ID} />
    </FluentProvider>,
  );
}
