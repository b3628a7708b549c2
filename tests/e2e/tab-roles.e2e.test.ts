// The tab as each role meets it, checked as a person sees it, at desktop and Teams mobile width (400 x 800) in
// light, dark and high contrast: the header and the development banner leave the page its room; a viewer is told why
// there are no buttons; a stopped server is said in words and the tab recovers by itself when it is back; labels are
// spelled as their owners spell them, rule chips stay in their column, and the approve dialog promises only what
// approving does. Driven by clicks as Megan (responder), Adele (admin) and Pradeep (viewer).
// Needs the built tab (`npm run build`) and Debian's Chromium.
import net from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import type { TestServer } from '../support/test-server.js';
import {
  hiddenBy,
  openTabAs,
  scrollsSideways,
  UI_TIMEOUT,
  type TabPageOptions,
  type TabTheme,
  type ViewportName,
} from './support/tab-page.js';
import { ADELE, MEGAN, PRADEEP, useTabSuite } from './support/tab-suite.js';
import { playGriffinAttack } from './tab-griffin-attack.js';

const CASES: { viewport: ViewportName; theme: TabTheme }[] = [
  { viewport: 'desktop', theme: 'light' },
  { viewport: 'mobile', theme: 'light' },
  { viewport: 'desktop', theme: 'dark' },
  { viewport: 'mobile', theme: 'dark' },
  { viewport: 'desktop', theme: 'contrast' },
  { viewport: 'mobile', theme: 'contrast' },
];
const nameOf = (c: TabPageOptions) => `${c.viewport}-${c.theme}`;
const PEOPLE = [
  { upn: MEGAN, name: 'Megan Bowen', role: 'SOC responder' },
  { upn: ADELE, name: 'Adele Vance', role: 'IT admin' },
  { upn: PRADEEP, name: 'Pradeep Gupta', role: 'Viewer' },
];
const SECTIONS = ['Agents', 'Incidents', 'Approvals', 'Audit', 'Hunting'];
const BILLING = ZAVA_AGENT_IDS.customerBillingAgent;
const SALES = ZAVA_AGENT_IDS.salesOutreach;

const suite = useTabSuite('roles');
let incidentId: string | undefined;
const griffinIncident = async () => (incidentId ??= await playGriffinAttack(suite.server));

/** Scrolled to, and neither covered nor outside the window: a person can see it. */
async function expectSeen(target: Locator, what: string): Promise<void> {
  await target.waitFor();
  await target.scrollIntoViewIfNeeded();
  expect(await hiddenBy(target), what).toEqual([]);
}

/** Where the page's own content starts: below the header and every banner. */
const mainTop = (page: Page) => page.locator('main').evaluate((el) => el.getBoundingClientRect().top);

describe('the header and the development banner (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`leave the page its room and show who is signed in, as each role (${nameOf(c)})`, async () => {
      for (const person of PEOPLE) {
        const { context, page } = await suite.open(person.upn, '/agents', c);
        try {
          const nav = page.getByRole('navigation', { name: 'Sections' });
          for (const section of SECTIONS) {
            await nav.getByRole('tab', { name: section }).click();
            await page.getByRole('heading', { name: section, level: 1 }).waitFor();
            // At 400 x 800 the issue measured 250 px of header and banner; at most 120 are allowed.
            expect(await mainTop(page), `${person.name}, ${section}`).toBeLessThanOrEqual(
              c.viewport === 'mobile' ? 120 : 140,
            );
            expect(await scrollsSideways(page)).toBe(false);
            for (const tab of await nav.getByRole('tab').all()) expect(await hiddenBy(tab)).toEqual([]);
            // The open section is named in words, not only by its icon.
            const open = nav.getByRole('tab', { name: section, selected: true });
            expect(await open.innerText()).toContain(section);
          }
          const banner = page.getByText('Development sign-in', { exact: true });
          await expectSeen(banner, 'the development sign-in banner');
          // One line, naming the persona (innerText holds only what is rendered).
          const bar = page.locator('.fui-MessageBar').filter({ has: banner });
          expect(await bar.innerText()).toContain(person.name);
          expect((await bar.boundingBox())!.height).toBeLessThanOrEqual(c.viewport === 'mobile' ? 40 : 60);
          await suite.shot(page, `header-${person.name.split(' ')[0]!.toLowerCase()}-${nameOf(c)}`);

          // Who is signed in, with which role: in the header on a desktop, behind the initials on a phone.
          if (c.viewport === 'mobile') {
            await page.getByRole('button', { name: `${person.name}, ${person.role}` }).click();
            const card = page.getByRole('group', { name: 'Signed in as' });
            await expectSeen(card.getByText(person.name, { exact: true }), 'the name behind the initials');
            await expectSeen(card.getByText(person.role, { exact: true }), 'the role behind the initials');
            await page.keyboard.press('Escape');
            await card.waitFor({ state: 'hidden' });
          } else {
            await expectSeen(page.locator('header').getByText(person.name, { exact: true }), 'the name');
            await expectSeen(page.locator('header').getByText(person.role, { exact: true }), 'the role');
          }

          // Hidden, the banner leaves a Dev badge (this is still not a real sign-in), and stays hidden on reload.
          const before = await mainTop(page);
          await page.getByRole('button', { name: 'Hide the development sign-in notice' }).click();
          await banner.waitFor({ state: 'hidden' });
          const badge = page.getByRole('button', { name: 'Development sign-in: show the notice' });
          await expectSeen(badge, 'the Dev badge');
          expect(await mainTop(page)).toBeLessThan(before);
          await page.reload();
          await badge.waitFor();
          expect(await banner.isVisible()).toBe(false);
          await badge.click();
          await expectSeen(banner, 'the banner brought back');
        } finally {
          await context.close();
        }
      }
    });
  }
});

describe('a viewer is told why there are no buttons (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`on the agent, the incident and the approval (${nameOf(c)})`, async () => {
      const id = await griffinIncident();
      const { context, page } = await suite.open(PRADEEP, `/agents/${BILLING}`, c);
      try {
        const pages = [
          { path: `/agents/${BILLING}`, why: /^Read only: your Agent Warden role is Viewer\. To block this agent/ },
          { path: `/incidents/${id}`, why: /^Read only: your Agent Warden role is Viewer\. To revoke users/ },
          { path: '/approvals', why: /^Read only: your Agent Warden role is Viewer\. To approve or reject/ },
        ];
        for (const p of pages) {
          await page.goto(p.path);
          const note = page.getByRole('note').filter({ hasText: p.why }).first();
          await expectSeen(note, `the read-only note on ${p.path}`);
          expect(await note.innerText()).toMatch(/ask an admin for the .*\(Warden\.(Admin|Responder)\).* role/);
          for (const name of [/^Block agent/, /^Revoke/, /^Resolve/, /^Approve/, /^Reject/, /^Notify maker/])
            expect(await page.locator('main').getByRole('button', { name }).count(), `${p.path}: ${name}`).toBe(0);
        }
        await suite.shot(page, `viewer-approvals-${nameOf(c)}`);
      } finally {
        await context.close();
      }
    });
  }
});

/**
 * A TCP relay in front of the test server, so the browser meets a server that stops (connections refused) and comes
 * back on the same address, while the server and its data stay as they were.
 */
async function startRelay(target: TestServer) {
  const targetPort = Number(new URL(target.url).port);
  const sockets = new Set<net.Socket>();
  let listener: net.Server | undefined;
  let port = 0;
  const up = async () => {
    listener = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      listener!.once('error', reject);
      listener!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (listener.address() as net.AddressInfo).port;
  };
  await up();
  return {
    server: { ...target, url: `http://127.0.0.1:${port}` } as TestServer,
    /** The server stops answering: new connections are refused and open ones cut. */
    async stop() {
      const closed = new Promise<void>((resolve) => listener!.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    start: up,
  };
}

describe('the server stops and comes back (Chromium, Zava)', () => {
  for (const viewport of ['desktop', 'mobile'] as const) {
    it(`says so in words, keeps the navigation, and recovers without Retry (${viewport})`, async () => {
      const relay = await startRelay(suite.server);
      const { context, page } = await openTabAs(suite.browser, relay.server, suite.pageErrors, MEGAN, '/incidents', {
        viewport,
      });
      try {
        await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
        await relay.stop();
        const offline = page.getByText('Offline', { exact: true });
        await expectSeen(offline, 'the offline banner');
        expect(
          await page
            .getByText(/cannot be reached/)
            .first()
            .innerText(),
        ).toMatch(/reconnects by itself/);

        // A section whose code was never fetched: said in words, with the navigation still there (it was blank).
        await page.getByRole('navigation', { name: 'Sections' }).getByRole('tab', { name: 'Audit' }).click();
        const failed = page.getByText('This page could not be shown');
        await expectSeen(failed, 'the page error');
        await expectSeen(page.getByText(/could not be loaded\. It loads by itself when the server is back/), 'why');
        expect(await page.getByText(/Failed to fetch/).count()).toBe(0);
        for (const tab of await page.getByRole('navigation', { name: 'Sections' }).getByRole('tab').all())
          expect(await hiddenBy(tab)).toEqual([]);
        await suite.shot(page, `offline-${viewport}`);

        await relay.start();
        await expectSeen(page.getByRole('heading', { name: 'Audit', level: 1 }), 'the Audit page, by itself');
        await offline.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
        expect(await failed.count()).toBe(0);
        await suite.shot(page, `back-online-${viewport}`);
      } finally {
        await context.close();
        await relay.stop().catch(() => undefined);
      }
    });
  }
});

describe('labels, chips and the approve dialog (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`"MCP server", "SharePoint", rule chips inside their column (${nameOf(c)})`, async () => {
      const id = await griffinIncident();
      const { context, page } = await suite.open(MEGAN, `/agents/${BILLING}`, c);
      try {
        const tools = page.getByRole('table', { name: 'Tools' });
        await expectSeen(tools.getByRole('cell', { name: 'MCP server', exact: true }).first(), 'MCP server');
        expect(await tools.getByText(/Mcp server/).count()).toBe(0);
        await expectSeen(page.getByText(/\(SharePoint[,)]/).first(), 'SharePoint');
        expect(await page.getByText(/Sharepoint/).count()).toBe(0);

        await page.goto(`/incidents/${id}`);
        const timeline = page.getByRole('table', { name: 'Timeline' });
        await timeline.waitFor();
        const chips = timeline.locator('tbody td:nth-child(7) .fui-Badge');
        expect(await chips.count()).toBeGreaterThan(0);
        for (const chip of await chips.all()) {
          await chip.scrollIntoViewIfNeeded();
          const spill = await chip.evaluate((el) => {
            const cell = el.closest('td')!.getBoundingClientRect();
            const box = el.getBoundingClientRect();
            return { left: box.left - cell.left, right: cell.right - box.right, text: el.textContent };
          });
          expect(spill.left, `${spill.text}`).toBeGreaterThanOrEqual(0);
          expect(spill.right, `${spill.text}`).toBeGreaterThanOrEqual(0);
        }
        await suite.shot(page, `rule-chips-${nameOf(c)}`);
      } finally {
        await context.close();
      }
    });
  }

  for (const viewport of ['desktop', 'mobile'] as const) {
    it(`the approve dialog says "unblocked" only for a blocked agent; focus returns to Approve (${viewport})`, async () => {
      const { context, page } = await suite.open(ADELE, '/approvals', { viewport });
      try {
        const buttons = page.getByRole('group', { name: /^Review Sales Outreach Assistant/ });
        // The innermost card around those buttons (the page is a section too).
        const review = page.locator('section').filter({ has: buttons }).last();
        const approve = buttons.getByRole('button', { name: 'Approve', exact: true });
        await approve.click();
        let dialog = page.getByRole('dialog');
        await expectSeen(dialog.getByText(/^The new version is published\./), 'what approving does');
        expect(await dialog.innerText()).not.toMatch(/unblocked/);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.waitFor({ state: 'detached' });
        await expect.poll(() => approve.evaluate((el) => el === document.activeElement)).toBe(true);

        const blocked = await suite.server.as(ADELE).post(`/api/v1/agents/${SALES}/block`, { reason: 'dialog check' });
        expect(blocked.status).toBe(200);
        // The page follows the change by itself; the dialog then promises the unblock.
        await review.getByText('Blocked', { exact: true }).first().waitFor();
        await approve.click();
        dialog = page.getByRole('dialog');
        await expectSeen(dialog.getByText(/published and the agent unblocked/), 'the unblock it brings');
        await suite.shot(page, `approve-blocked-${viewport}`);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.waitFor({ state: 'detached' });
      } finally {
        await suite.server.as(ADELE).post(`/api/v1/agents/${SALES}/unblock`, { reason: 'dialog check done' });
        await context.close();
      }
    });
  }
});
