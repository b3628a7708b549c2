// The tab end to end: the built tab (dist/, `npm run build` first) served by the real server on the
// Zava demo tenant (AUTH=dev), driven in Debian's Chromium through the persona picker.
// Screenshots (light and dark) go to test-results/screenshots/ as artifacts.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { ADELE, MEGAN, PRADEEP, useTabSuite } from './support/tab-suite.js';
import { ATTACKER_IP, playGriffinAttack } from './tab-griffin-attack.js';

const BILLING = ZAVA_AGENT_IDS.customerBillingAgent;
const MARKETING = ZAVA_AGENT_IDS.marketingCampaignPlanner;

const suite = useTabSuite('tab');

const newPage = (options: { dark?: boolean } = {}) => suite.newPage({ theme: options.dark ? 'dark' : 'light' });

/** Opens a page as a persona through the link the picker honours (`?as=<upn>`). */
const openAs = (upn: string, pathname: string, options: { dark?: boolean } = {}) =>
  suite.open(upn, pathname, { theme: options.dark ? 'dark' : 'light' });

const shot = (page: Page, name: string) => suite.shot(page, name, true);

function agentRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: name });
}

const INTERACTIVE_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'switch',
  'tab',
  'radio',
  'row',
  'checkbox',
]);

/** Interactive elements in Chromium's accessibility tree that have no accessible name (rows: only focusable ones). */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: {
      ignored: boolean;
      role?: { value: string };
      name?: { value: string };
      properties?: { name: string; value: { value: unknown } }[];
    }[];
  };
  await cdp.detach();
  const focusable = (n: (typeof nodes)[number]) => n.properties?.some((p) => p.name === 'focusable' && p.value.value);
  return nodes
    .filter((n) => !n.ignored && INTERACTIVE_ROLES.has(n.role?.value ?? '') && !n.name?.value.trim())
    .filter((n) => n.role?.value !== 'row' || focusable(n))
    .map((n) => n.role!.value);
}

/** Presses Tab until `done` holds for the focused element; returns how many presses it took. */
async function tabUntil(page: Page, done: () => boolean, max = 40): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(done)) return i;
  }
  throw new Error(`not reached with ${max} presses of Tab`);
}

describe('the tab in Chromium against the real server (Zava)', () => {
  it('signs in through the persona picker and does not wait for Teams in a plain browser', async () => {
    const { context, page } = await newPage();
    const teamsJs: string[] = [];
    page.on('request', (r) => {
      if (/teams-js|TeamsJS|microsoftTeams/i.test(r.url())) teamsJs.push(r.url());
    });
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Agent Warden' }).waitFor();
    await shot(page, 'persona-picker-light');
    await page.getByRole('radio', { name: /Megan Bowen/ }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    expect(await page.getByText('You act as Megan Bowen').isVisible()).toBe(true);
    // A top-level window is no Teams host: TeamsJS is never even fetched.
    expect(teamsJs).toEqual([]);
    // The choice is remembered: a fresh load goes straight to the registry.
    await page.goto('/agents');
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Agent Warden' }).count()).toBe(0);
    await context.close();
  });

  it("says the tab could not load when the shell's code does not arrive, instead of a blank page", async () => {
    const { context, page } = await newPage();
    // The server went away after index.html: the shell's chunk (app/mount.tsx) fails to download.
    await page.route(/\/assets\/mount-[^/]+\.js$/, (route) => route.abort('connectionrefused'));
    await page.goto('/agents');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Agent Warden could not load. Check the connection and reload the tab.');
    expect(await alert.isVisible()).toBe(true);
    await context.close();
  });

  it('falls back to browser mode inside a frame that is not Teams (TeamsJS never answers there)', async () => {
    const { context, page } = await newPage();
    await page.goto('/readyz');
    await page.setContent(
      `<iframe title="host" src="${suite.server.url}/agents?as=${encodeURIComponent(MEGAN)}" width="1200" height="800"></iframe>`,
    );
    const frame = page.frameLocator('iframe[title="host"]');
    await frame.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    expect(await frame.getByRole('row').filter({ hasText: 'Customer Billing Agent' }).count()).toBe(1);
    await context.close();
  });

  it('lists Customer Billing Agent among the top risks (light and dark)', async () => {
    for (const dark of [false, true]) {
      const { context, page } = await openAs(MEGAN, '/agents', { dark });
      const rows = page.getByRole('table', { name: 'Agents' }).getByRole('row');
      await agentRow(page, 'Customer Billing Agent').waitFor();
      const names = (await rows.allInnerTexts()).slice(1, 6).map((t) => t.split('\n')[0]?.trim());
      expect(names).toContain('Customer Billing Agent');
      await expect(agentRow(page, 'Customer Billing Agent').innerText()).resolves.toMatch(/Critical/);
      await shot(page, `agents-${dark ? 'dark' : 'light'}`);
      await context.close();
    }
  });

  it('follows ?theme= over the system preference (dark and high contrast)', async () => {
    for (const theme of ['dark', 'contrast'] as const) {
      const { context, page } = await openAs(MEGAN, `/agents?theme=${theme}`);
      await agentRow(page, 'Customer Billing Agent').waitFor();
      const background = await page.evaluate(
        () => getComputedStyle(document.querySelector('.fui-FluentProvider')!).backgroundColor,
      );
      // Light theme paints white or near white; dark and high contrast paint dark.
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      expect(r! + g! + b!).toBeLessThan(3 * 80);
      await shot(page, `agents-theme-${theme}`);
      await context.close();
    }
  });

  it('hides low and resolved alerts in the IT view and shows them in the SOC view', async () => {
    const it = await openAs(ADELE, `/agents/${BILLING}`);
    await it.page.getByRole('heading', { name: 'Customer Billing Agent', level: 1 }).waitFor();
    await it.page.getByText('IT view: unresolved high and critical alerts only.').waitFor();
    const itAlerts = it.page.getByRole('table', { name: 'Alerts (IT view)' });
    if (await itAlerts.count()) {
      const text = await itAlerts.innerText();
      expect(text).not.toMatch(/\bLow\b/);
      expect(text).not.toMatch(/\bResolved\b/);
    } else {
      await it.page.getByText('No unresolved high or critical alerts.').waitFor();
    }
    await shot(it.page, 'agent-it-view-light');
    await it.context.close();

    const soc = await openAs(MEGAN, `/agents/${BILLING}`, { dark: true });
    const socAlerts = soc.page.getByRole('table', { name: 'Alerts (SOC view)' });
    await socAlerts.waitFor();
    const text = await socAlerts.innerText();
    expect(text).toMatch(/\bLow\b/);
    expect(text).toMatch(/\bResolved\b/);
    await shot(soc.page, 'agent-soc-view-dark');
    await soc.context.close();
  });

  it('shows a viewer no action buttons', async () => {
    const { context, page } = await openAs(PRADEEP, `/agents/${BILLING}`);
    await page.getByRole('heading', { name: 'Customer Billing Agent', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /Tools/ }).waitFor();
    for (const name of [/Block agent/, /Unblock agent/, /Notify maker/]) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    const incidents = await suite.server.as(PRADEEP).get<{ items: { id: string }[] }>('/api/v1/incidents');
    await page.goto(`/incidents/${incidents.body.items[0]!.id}`);
    await page.getByRole('group', { name: 'Entity graph' }).waitFor();
    for (const name of [/Block agent/, /Revoke/, /Resolve/, /Assign/]) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    await context.close();
  });

  it("shows Griffin, the agent, the e-mail tool and the IP in the incident's entity graph", async () => {
    const incidentId = await playGriffinAttack(suite.server);
    for (const dark of [false, true]) {
      const { context, page } = await openAs(MEGAN, `/incidents/${incidentId}`, { dark });
      const graph = page.getByRole('group', { name: 'Entity graph' });
      await graph.waitFor();
      const labels = await graph
        .locator('[aria-label]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      const all = labels.join('\n');
      expect(all).toMatch(/Griffin Cho/);
      expect(all).toMatch(/Customer Billing Agent/);
      expect(all).toMatch(/Send an email/);
      expect(all).toContain(ATTACKER_IP);
      // Each entity is reachable from the keyboard.
      const focusable = await graph.locator('[tabindex="0"]').count();
      expect(focusable).toBeGreaterThanOrEqual(4);
      await shot(page, `incident-griffin-${dark ? 'dark' : 'light'}`);
      await context.close();
    }
  });

  it('lets an IT admin block the agent through the confirmation dialog; the registry shows it blocked', async () => {
    const { context, page } = await openAs(ADELE, `/agents/${BILLING}`);
    await page.getByRole('button', { name: 'Block agent' }).click();
    const dialog = page.getByRole('dialog', { name: 'Block Customer Billing Agent' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Block', exact: true });
    expect(await confirm.isDisabled()).toBe(true); // a reason is required
    await dialog
      .getByRole('textbox', { name: 'Reason' })
      .fill('MCP server on the maker credentials; exfiltration attempts');
    await shot(page, 'block-dialog-light');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Unblock agent' }).waitFor();
    await page.getByRole('link', { name: 'All agents' }).click();
    await agentRow(page, 'Customer Billing Agent').filter({ hasText: 'Blocked' }).waitFor();
    await shot(page, 'agents-after-block-light');
    const detail = await suite.server.as(ADELE).get<{ agent: { lifecycle: string } }>(`/api/v1/agents/${BILLING}`);
    expect(detail.body.agent.lifecycle).toBe('blocked');
    await context.close();
  });

  it('shows an action taken elsewhere without a reload', async () => {
    const { context, page } = await openAs(ADELE, '/agents');
    await agentRow(page, 'Marketing Campaign Planner').filter({ hasText: 'Active' }).waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    // Megan blocks it from somewhere else (a card in the channel calls the same service).
    const res = await suite.server
      .as(MEGAN)
      .post(`/api/v1/agents/${MARKETING}/block`, { reason: 'blocked from the SOC channel' });
    expect(res.status).toBe(200);
    await agentRow(page, 'Marketing Campaign Planner').filter({ hasText: 'Blocked' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await context.close();
  });

  it('is reachable from the keyboard, with a name on every control', async () => {
    const { context, page } = await openAs(MEGAN, '/agents');
    await agentRow(page, 'Customer Billing Agent').waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    // Tab reaches the registry's rows (one tab stop), arrows move, Enter opens the agent.
    await tabUntil(page, () => document.activeElement?.getAttribute('role') === 'row');
    const first = await page.evaluate(() => document.activeElement?.textContent ?? '');
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(second).not.toBe(first);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Customer Billing Agent', level: 1 }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);

    // The incident's entity graph: Tab lands on a named node.
    const incidents = await suite.server.as(MEGAN).get<{ items: { id: string }[] }>('/api/v1/incidents');
    await page.goto(`/incidents/${incidents.body.items[0]!.id}`);
    await page.getByRole('group', { name: 'Entity graph' }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await tabUntil(page, () => Boolean(document.activeElement?.closest('svg[aria-label="Entity graph"]')));
    const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    expect(label.length).toBeGreaterThan(0);
    await context.close();
  });
});
