// Responding from the tab as a person sees it, at desktop and Teams mobile width: after revoke, resolve, block and
// unblock the page shows the new state (a timeline entry, the status, which button is the next step), focus comes
// back to the button that opened the dialog (or to the heading when the action removed it), and the audit trail
// is searched the way people type. Needs the built tab (`npm run build`) and Debian's Chromium.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { hiddenBy, UI_TIMEOUT, type ViewportName } from './support/tab-page.js';
import { ADELE, MEGAN, useTabSuite } from './support/tab-suite.js';
import { playGriffinAttack } from './tab-griffin-attack.js';

const MARKETING = ZAVA_AGENT_IDS.marketingCampaignPlanner;
const VIEWPORTS: ViewportName[] = ['desktop', 'mobile'];

const suite = useTabSuite('respond');

/** Whether `target` has the keyboard focus, waited for (the page refreshes after an action). */
async function expectFocused(page: Page, target: Locator, what: string): Promise<void> {
  await expect
    .poll(async () => target.evaluate((el) => el === document.activeElement).catch(() => false), {
      timeout: UI_TIMEOUT,
      message: `${what} has the focus (it is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))})`,
    })
    .toBe(true);
}

/** Scrolled to, and not covered: a person can see it. */
async function expectSeen(target: Locator): Promise<void> {
  await target.waitFor();
  await target.scrollIntoViewIfNeeded();
  expect(await hiddenBy(target)).toEqual([]);
}

/** Drawn as the primary button: filled with the theme's brand colour (what makes it the next step to the eye). */
const isPrimary = (button: Locator) =>
  button.evaluate((el) => {
    const probe = document.createElement('span');
    probe.style.backgroundColor = 'var(--colorBrandBackground)';
    el.parentElement?.appendChild(probe);
    const brand = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return getComputedStyle(el).backgroundColor === brand;
  });

let incidentId: string | undefined;
const griffinIncident = async () => (incidentId ??= await playGriffinAttack(suite.server));

describe('the incident page after a response (Chromium, Zava)', () => {
  it('after revoke: a Response entry in the timeline, Revoke no longer the primary button, focus back on it (desktop)', async () => {
    const id = await griffinIncident();
    const { context, page } = await suite.open(MEGAN, `/incidents/${id}`, { viewport: 'desktop' });
    const revoke = page.getByRole('button', { name: /^Revoke sessions & require password reset: Griffin/ });
    await revoke.waitFor();
    await expect.poll(() => isPrimary(revoke)).toBe(true);
    const timeline = page.getByRole('table', { name: 'Timeline' });
    expect(await timeline.getByRole('row').filter({ hasText: 'Response' }).count()).toBe(0);

    await revoke.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke sessions and require a password reset' });
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    const again = page.getByRole('button', { name: /^Revoke sessions again: Griffin/ });
    await again.waitFor();
    // Polled: Fluent's buttons fade their background in a transition, and a colour read during it is neither.
    const resolve = page.getByRole('button', { name: 'Resolve', exact: true });
    await expect.poll(async () => [await isPrimary(again), await isPrimary(resolve)]).toEqual([false, true]);
    const entry = timeline.getByRole('row').filter({ hasText: 'Revoke sessions' });
    await expectSeen(entry.getByRole('cell').filter({ hasText: 'Response' }));
    expect(await entry.innerText()).toMatch(/Megan Bowen: Revoke sessions, Griffin/);
    // The toast came and the focus is where the person left it: on the (same) revoke button.
    await page
      .locator('.fui-Toast')
      .filter({ hasText: /revoke/i })
      .first()
      .waitFor();
    await expectFocused(page, again, 'the revoke button');
    await suite.shot(page, 'incident-after-revoke-desktop');
    await context.close();
  });

  it('after resolve: the status reads Resolved, the timeline shows it, focus goes to the heading (mobile)', async () => {
    const id = await griffinIncident();
    const { context, page } = await suite.open(MEGAN, `/incidents/${id}`, { viewport: 'mobile' });
    const resolve = page.getByRole('button', { name: 'Resolve', exact: true });
    await resolve.click();
    const dialog = page.getByRole('dialog', { name: 'Resolve incident' });
    await dialog.getByRole('radio', { name: 'True positive' }).check();
    await dialog.getByRole('textbox', { name: 'Comment' }).fill('Contained: sessions revoked.');
    await dialog.getByRole('button', { name: 'Resolve', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    await expectSeen(page.locator('main').getByText('Resolved', { exact: true }).first());
    await page.getByRole('button', { name: 'Resolve', exact: true }).waitFor({ state: 'detached' });
    const entry = page
      .getByRole('table', { name: 'Timeline' })
      .getByRole('row')
      .filter({ hasText: 'Resolve incident' });
    await expectSeen(entry.getByRole('cell').filter({ hasText: 'Response' }));
    // The button that opened the dialog is gone: the heading has the focus, not the page body.
    await expectFocused(page, page.locator('main h1'), 'the heading');
    await suite.shot(page, 'incident-after-resolve-mobile');
    await context.close();
  });
});

describe('focus after a dialog closes (Chromium, Zava)', () => {
  for (const viewport of VIEWPORTS) {
    it(`returns to the block button after block and after unblock, and after Cancel (${viewport})`, async () => {
      const { context, page } = await suite.open(ADELE, `/agents/${MARKETING}`, { viewport });
      const block = page.getByRole('button', { name: 'Block agent' });
      await block.click();
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await expectFocused(page, block, 'Block agent after Cancel');

      await block.click();
      const dialog = page.getByRole('dialog', { name: 'Block Marketing Campaign Planner' });
      await dialog.getByRole('textbox', { name: 'Reason' }).fill('focus check');
      await dialog.getByRole('button', { name: 'Block', exact: true }).click();
      const unblock = page.getByRole('button', { name: 'Unblock agent' });
      await unblock.waitFor();
      await page.locator('.fui-Toast').filter({ hasText: 'Block Marketing Campaign Planner' }).waitFor();
      await expectFocused(page, unblock, 'Unblock agent after block');

      await unblock.click();
      const undo = page.getByRole('dialog', { name: 'Unblock Marketing Campaign Planner' });
      await undo.getByRole('textbox', { name: 'Reason' }).fill('focus check done');
      await undo.getByRole('button', { name: 'Unblock', exact: true }).click();
      await block.waitFor();
      await expectFocused(page, block, 'Block agent after unblock');
      await context.close();
    });
  }
});

describe('the audit trail as people search it (Chromium, Zava)', () => {
  for (const viewport of VIEWPORTS) {
    it(`"adele" finds Adele Vance, actions read as words, a date range narrows it, targets are named (${viewport})`, async () => {
      const blocked = await suite.server.as(ADELE).post(`/api/v1/agents/${MARKETING}/block`, { reason: 'audit check' });
      expect(blocked.status).toBe(200);
      await suite.server.as(ADELE).post(`/api/v1/agents/${MARKETING}/unblock`, { reason: 'audit check' });
      const { context, page } = await suite.open(MEGAN, '/audit', { viewport });
      const table = page.getByRole('table', { name: 'Audit trail' });
      await page.getByRole('textbox', { name: 'Actor' }).fill('adele');
      await page.getByRole('textbox', { name: 'Action' }).fill('block agent');
      const rows = table.getByRole('row').filter({ hasNotText: 'Actor' });
      // The list follows the filters as they are typed: wait until it shows only what both ask for.
      const onlyAdeleBlocks = async () => {
        const texts = await rows.allInnerTexts();
        return texts.length > 0 && texts.every((t) => /Adele Vance/.test(t) && !/Unblock agent/.test(t));
      };
      await expect.poll(onlyAdeleBlocks, { timeout: 15_000 }).toBe(true);
      for (const text of await rows.allInnerTexts()) {
        expect(text).toMatch(/Adele Vance/);
        expect(text).toMatch(/Block agent/);
        expect(text).not.toMatch(/blockAgent|Unblock agent/);
        expect(text).toMatch(/Marketing Campaign Planner/);
      }
      await expectSeen(rows.first().getByRole('cell').nth(2));

      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('From', { exact: true }).fill(today);
      await page.getByLabel('To', { exact: true }).fill(today);
      await rows.first().filter({ hasText: 'Adele Vance' }).waitFor();
      await page.getByLabel('From', { exact: true }).fill(tomorrow);
      await page.getByLabel('To', { exact: true }).fill(tomorrow);
      await expectSeen(page.getByText('No record matches these filters'));
      await suite.shot(page, `audit-filters-${viewport}`);
      await context.close();
    });
  }
});
