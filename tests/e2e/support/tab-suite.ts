// The setup every tab browser test shares: the built tab served by the real server on the Zava tenant (AUTH=dev,
// PGlite or TEST_DATABASE_URL's PostgreSQL), one Chromium, and a check after each test that no page threw.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { AgentWardenOverrides } from '../../../bot/src/app.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { launchChromium } from './browser.js';
import { newTabPage, openTabAs, type OpenedTab, type TabPageOptions } from './tab-page.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const BACKEND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** The Zava people the tab tests sign in as, one per role. */
export const MEGAN = 'megan@zava.example'; // SOC responder
export const ADELE = 'adele@zava.example'; // IT admin
export const PRADEEP = 'pradeep@zava.example'; // viewer

export interface TabSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Uncaught errors in any page; checked (and emptied) after each test. */
  readonly pageErrors: string[];
  newPage(options?: TabPageOptions): Promise<OpenedTab>;
  /** Opens a page as a persona through the link the picker honours (`?as=<upn>`). */
  open(upn: string, pathname: string, options?: TabPageOptions): Promise<OpenedTab>;
  /** A screenshot into test-results/screenshots/<prefix>-<name>.png, kept as an artifact. */
  shot(page: Page, name: string, fullPage?: boolean): Promise<Buffer>;
}

/**
 * Registers the hooks in the calling file; the returned suite is usable inside its tests. `overrides` are the
 * composition root's test seams (app.ts AgentWardenOverrides).
 */
export function useTabSuite(shotPrefix: string, overrides: AgentWardenOverrides = {}): TabSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.html'))) {
      throw new Error('dist/index.html is missing: run `npm run build` before `npm run test:e2e`.');
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer(BACKEND, {}, overrides);
    browser = await launchChromium();
  });

  afterEach(() => {
    const errors = pageErrors.splice(0);
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const started = () => {
    if (!server || !browser) throw new Error('the tab suite has not started (use it inside a test)');
    return { server, browser };
  };
  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    pageErrors,
    newPage: (options = {}) => newTabPage(started().browser, started().server, pageErrors, options),
    open: (upn, pathname, options = {}) =>
      openTabAs(started().browser, started().server, pageErrors, upn, pathname, options),
    shot: (page, name, fullPage = false) =>
      page.screenshot({ path: path.join(SHOTS, `${shotPrefix}-${name}.png`), fullPage }),
  };
}
