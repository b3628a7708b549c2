// Opening the tab as a persona in Chromium, and checks of what a person actually sees (not only what exists).
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { TestServer } from '../../support/test-server.js';

/** Waits generously: these bound a hang, they do not measure speed (figures are in `npm run bench -- tab`). */
export const UI_TIMEOUT = 15_000;

/** Desktop and Teams mobile (the sizes the issue was tried at). */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  mobile: { width: 400, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export type TabTheme = 'light' | 'dark' | 'contrast';

export interface TabPageOptions {
  viewport?: ViewportName;
  /** `dark` also sets the system preference; `contrast` is passed as `?theme=`, as Teams' high contrast is. */
  theme?: TabTheme;
}

export interface OpenedTab {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser context on the test server; uncaught page errors are pushed to `pageErrors`. */
export async function newTabPage(
  browser: Browser,
  server: TestServer,
  pageErrors: string[],
  options: TabPageOptions = {},
): Promise<OpenedTab> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[options.viewport ?? 'desktop'],
    colorScheme: options.theme === 'dark' ? 'dark' : 'light',
    baseURL: server.url,
  });
  context.setDefaultTimeout(UI_TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  return { context, page };
}

/** Opens a page as a persona through the link the picker honours (`?as=<upn>`, and `?theme=` when asked). */
export async function openTabAs(
  browser: Browser,
  server: TestServer,
  pageErrors: string[],
  upn: string,
  pathname: string,
  options: TabPageOptions = {},
): Promise<OpenedTab> {
  const opened = await newTabPage(browser, server, pageErrors, options);
  const query = new URLSearchParams({ as: upn });
  if (options.theme === 'contrast') query.set('theme', 'contrast');
  const separator = pathname.includes('?') ? '&' : '?';
  await opened.page.goto(`${pathname}${separator}${query.toString()}`);
  await opened.page.getByText('Development sign-in').waitFor();
  return opened;
}

/**
 * What is painted over the centre of `target` and hides it: opaque elements above it in the hit-test stack
 * that are not its ancestors. A dialog's own surface may cover part of the page (on a phone it is nearly as wide
 * as the window) and its backdrop is translucent; a full-window sheet, or anything else opaque, counts.
 * Also reports when the target's centre is outside the window, where nobody can see it.
 */
export async function hiddenBy(target: Locator): Promise<string[]> {
  return target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) {
      return [`centre (${Math.round(x)}, ${Math.round(y)}) is outside the window`];
    }
    const alphaOf = (color: string) => {
      if (color === 'transparent') return 0;
      const parts = color.match(/[\d.]+/g) ?? [];
      return parts.length === 4 ? Number(parts[3]) : 1;
    };
    const opaque = (el: Element) => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        if (Number(getComputedStyle(e).opacity) < 1) return false;
      }
      return alphaOf(getComputedStyle(el).backgroundColor) >= 1;
    };
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].slice(0, 3).join('.')}`;
    const stack = document.elementsFromPoint(x, y);
    const own = stack.findIndex((e) => e === element || element.contains(e));
    if (own < 0) return [`nothing of it is hit at its centre; on top: ${stack.slice(0, 3).map(describe).join(' > ')}`];
    return stack
      .slice(0, own)
      .filter((e) => !e.contains(element) && !e.closest('[role="dialog"], [role="alertdialog"]') && opaque(e))
      .map(describe);
  });
}

/**
 * The page's heading and navigation, which must stay visible behind toasts, dialogs and lists. Found by CSS, not
 * role: a modal dialog hides the rest of the page from the accessibility tree, not from the eyes.
 */
export function pageLandmarks(page: Page, heading: string): Locator[] {
  return [
    page.locator('main h1').filter({ hasText: heading }),
    page.locator('nav[aria-label="Sections"] [role="tab"]').first(),
  ];
}

/** Fails with what covers it when one of the landmarks is hidden. */
export async function expectVisibleBehind(landmarks: Locator[]): Promise<void> {
  for (const landmark of landmarks) {
    await landmark.waitFor();
    const covers = await hiddenBy(landmark);
    if (covers.length) throw new Error(`${String(landmark)} is hidden by ${covers.join(', ')}`);
  }
}

/** Whether the document scrolls sideways (content wider than the window). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}
