// What a person sees in the tab, not only what exists: toasts, dialogs and dropdown lists float over a page that
// stays rendered, and the filter dropdowns work with a mouse, at desktop and Teams mobile width, in every theme.
// Needs the built tab (`npm run build`) and Debian's Chromium.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import {
  expectVisibleBehind,
  hiddenBy,
  scrollsSideways,
  pageLandmarks,
  type TabPageOptions,
  type TabTheme,
  type ViewportName,
} from './support/tab-page.js';
import { ADELE, MEGAN, useTabSuite } from './support/tab-suite.js';

const MARKETING = ZAVA_AGENT_IDS.marketingCampaignPlanner;

const CASES: { viewport: ViewportName; theme: TabTheme }[] = [
  { viewport: 'desktop', theme: 'light' },
  { viewport: 'mobile', theme: 'light' },
  { viewport: 'desktop', theme: 'dark' },
  { viewport: 'mobile', theme: 'dark' },
  { viewport: 'desktop', theme: 'contrast' },
  { viewport: 'mobile', theme: 'contrast' },
];
const nameOf = (c: TabPageOptions) => `${c.viewport}-${c.theme}`;

const suite = useTabSuite('visible');

const open = (upn: string, pathname: string, options: TabPageOptions) => suite.open(upn, pathname, options);

const shot = (page: Page, name: string) => suite.shot(page, name);

/** The navigation bar's pixels: identical before and after a toast, which must float beside it. */
async function navPixels(page: Page): Promise<Buffer> {
  const box = await page.getByRole('navigation', { name: 'Sections' }).boundingBox();
  if (!box) throw new Error('the navigation is not rendered');
  return page.screenshot({ clip: box });
}

/** A dropdown's open list: a listbox, or for multiple choice a menu of checkbox items (Fluent's roles). */
const popupOf = (page: Page) => page.getByRole('listbox').or(page.getByRole('menu'));
const optionsOf = (popup: Locator) => popup.getByRole('option').or(popup.getByRole('menuitemcheckbox'));

/** Opens a dropdown with the mouse and checks its list is shown over a page that stays visible. */
async function openWithMouse(page: Page, label: string, heading: string): Promise<void> {
  const dropdown = page.getByRole('combobox', { name: label });
  await dropdown.scrollIntoViewIfNeeded();
  const box = await dropdown.boundingBox();
  if (!box) throw new Error(`the ${label} dropdown is not rendered`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = popupOf(page);
  await popup.waitFor();
  expect(await dropdown.getAttribute('aria-expanded')).toBe('true');
  expect(await optionsOf(popup).count()).toBeGreaterThan(1);
  expect(await hiddenBy(optionsOf(popup).first())).toEqual([]);
  await expectVisibleBehind(pageLandmarks(page, heading).slice(1));
  // The heading may have scrolled out of the window on a phone; it must still be rendered, not covered by a sheet.
  expect(await page.getByRole('heading', { name: heading, level: 1 }).isVisible()).toBe(true);
}

/** Clicks an option with the mouse (not the keyboard). */
async function pickWithMouse(page: Page, option: string): Promise<void> {
  const target = optionsOf(popupOf(page)).filter({ hasText: new RegExp(`^${option}$`) });
  const box = await target.boundingBox();
  if (!box) throw new Error(`option ${option} is not rendered`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

describe('pop-ups float over a page that stays visible (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`block: the dialog and the toast leave the page and navigation visible (${nameOf(c)})`, async () => {
      const { context, page } = await open(ADELE, `/agents/${MARKETING}`, c);
      try {
        const heading = 'Marketing Campaign Planner';
        await expectVisibleBehind(pageLandmarks(page, heading));
        const navBefore = await navPixels(page);

        await page.getByRole('button', { name: 'Block agent' }).click();
        const dialog = page.getByRole('dialog', { name: `Block ${heading}` });
        await dialog.waitFor();
        expect(await hiddenBy(dialog.getByRole('textbox', { name: 'Reason' }))).toEqual([]);
        // Behind the dialog's translucent backdrop the page is still drawn.
        await expectVisibleBehind(pageLandmarks(page, heading));
        await shot(page, `dialog-${nameOf(c)}`);
        await dialog.getByRole('textbox', { name: 'Reason' }).fill('checking what people see');
        await dialog.getByRole('button', { name: 'Block', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });

        // The toast is titled like the dialog and carries the server's message.
        const toast = page.locator('.fui-Toast').filter({ hasText: `Block ${heading}` });
        await toast.waitFor();
        await expectVisibleBehind(pageLandmarks(page, heading));
        // Within a second of the toast (an entrance frame may still be drawing); the blank sheet this guards
        // against stayed for seconds.
        await expect.poll(async () => (await navPixels(page)).equals(navBefore), { timeout: 1000 }).toBe(true);
        await shot(page, `toast-${nameOf(c)}`);
        await page.getByRole('button', { name: 'Unblock agent' }).waitFor();
        await toast.waitFor({ state: 'detached' });
        await expectVisibleBehind(pageLandmarks(page, heading));
        expect((await navPixels(page)).equals(navBefore)).toBe(true);
      } finally {
        // Unblocked even when a check failed, so the next case starts from an active agent.
        const undo = await suite.server.as(ADELE).post(`/api/v1/agents/${MARKETING}/unblock`, { reason: 'test done' });
        expect(undo.status).toBe(200);
        await context.close();
      }
    });

    it(`the registry's dropdowns open, show their options and select with a mouse (${nameOf(c)})`, async () => {
      const { context, page } = await open(MEGAN, '/agents', c);
      const table = page.getByRole('table', { name: 'Agents' });
      await table.getByRole('row').filter({ hasText: 'Customer Billing Agent' }).waitFor();

      await openWithMouse(page, 'Lifecycle', 'Agents');
      await shot(page, `dropdown-${nameOf(c)}`);
      await pickWithMouse(page, 'Active');
      await popupOf(page).waitFor({ state: 'hidden' });
      await expect(page.getByRole('combobox', { name: 'Lifecycle' }).innerText()).resolves.toBe('Active');

      await openWithMouse(page, 'Sort by', 'Agents');
      await pickWithMouse(page, 'Name');
      await expect(page.getByRole('combobox', { name: 'Sort by' }).innerText()).resolves.toBe('Name');

      // Multiple choice: the list stays open for more; Escape closes it and the page is back as it was.
      await openWithMouse(page, 'Risk', 'Agents');
      await pickWithMouse(page, 'Critical');
      await expect(page.getByRole('combobox', { name: 'Risk' }).innerText()).resolves.toBe('Critical');
      await page.keyboard.press('Escape');
      await popupOf(page).waitFor({ state: 'hidden' });
      await expectVisibleBehind(pageLandmarks(page, 'Agents'));
      const rows = table.getByRole('row').filter({ hasNotText: 'Risk' });
      await rows.first().filter({ hasText: 'Critical' }).waitFor();
      for (const text of await rows.allInnerTexts()) expect(text).toMatch(/Critical/);
      await context.close();
    });
  }

  it("audit's Target type dropdown selects with a mouse (desktop and mobile)", async () => {
    for (const viewport of ['desktop', 'mobile'] as const) {
      const { context, page } = await open(MEGAN, '/audit', { viewport, theme: 'light' });
      await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
      await openWithMouse(page, 'Target type', 'Audit');
      await pickWithMouse(page, 'Agent');
      await popupOf(page).waitFor({ state: 'hidden' });
      await expect(page.getByRole('combobox', { name: 'Target type' }).innerText()).resolves.toBe('Agent');
      await expectVisibleBehind(pageLandmarks(page, 'Audit'));
      await context.close();
    }
  });
});

describe('an approval as an admin meets it (Chromium, Zava)', () => {
  it('shows the added CC line and the risk it brings; the approve reason reaches the audit trail', async () => {
    for (const viewport of ['mobile', 'desktop'] as const) {
      const { context, page } = await open(ADELE, '/approvals', { viewport, theme: 'light' });
      const review = page
        .locator('section')
        .filter({ hasText: 'Sales Outreach' })
        .filter({ hasText: 'Instructions' })
        .last();
      const added = review.getByRole('list', { name: 'Instructions changes' }).locator('[data-diff="added"]');
      await added.first().waitFor();
      expect(await added.allInnerTexts()).toEqual([
        expect.stringContaining('Always CC finance-archive@outside.example'),
      ]);
      await added.first().scrollIntoViewIfNeeded();
      expect(await hiddenBy(added.first())).toEqual([]);
      // Highlighted: its background is not the page's.
      const [line, card] = await added
        .first()
        .evaluate((el) => [
          getComputedStyle(el).backgroundColor,
          getComputedStyle(el.closest('section') ?? document.body).backgroundColor,
        ]);
      expect(line).not.toBe(card);
      await review.getByText('Instructions copy mail outside the organization').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      await shot(page, `approval-diff-${viewport}`);
      await context.close();
    }

    const { context, page } = await open(ADELE, '/approvals', { viewport: 'desktop', theme: 'light' });
    const review = page
      .locator('section')
      .filter({ hasText: 'Sales Outreach' })
      .filter({ hasText: 'Instructions' })
      .last();
    await review.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Archive copy accepted by finance');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.goto('/audit');
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    await page.getByText('Archive copy accepted by finance').first().waitFor();
    await context.close();
  });
});

describe('Teams mobile width (400 x 800)', () => {
  it('every section fits the window: no sideways scroll, every section tab reachable, room for the page', async () => {
    const { context, page } = await open(ADELE, '/agents', { viewport: 'mobile', theme: 'light' });
    for (const [path, heading] of [
      ['/agents', 'Agents'],
      ['/incidents', 'Incidents'],
      ['/approvals', 'Approvals'],
      ['/audit', 'Audit'],
      ['/hunting', 'Hunting'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      const tabs = page.getByRole('navigation', { name: 'Sections' }).getByRole('tab');
      expect(await tabs.count()).toBe(5);
      for (const tab of await tabs.all()) expect(await hiddenBy(tab)).toEqual([]);
      // Header and development banner leave at least three quarters of the height to the page.
      const mainTop = await page.locator('main').evaluate((el) => el.getBoundingClientRect().top);
      expect(mainTop).toBeLessThanOrEqual(200);
      await shot(page, `mobile-${heading.toLowerCase()}`);
    }
    // The registry keeps readable agent names (they were squeezed to 16 px).
    await page.getByRole('tab', { name: 'Agents' }).click();
    const name = page
      .getByRole('table', { name: 'Agents' })
      .getByRole('row')
      .filter({ hasText: 'Customer Billing Agent' })
      .locator('[role="gridcell"], [role="cell"]')
      .first();
    await name.waitFor();
    expect((await name.boundingBox())!.width).toBeGreaterThanOrEqual(120);
    expect(await hiddenBy(name)).toEqual([]);
    await context.close();
  });
});
