// The SOC bot end to end, by clicks only: the real server (embedded Zava tenant, PGlite) and the real Microsoft 365
// Agents Playground, driven in Debian's Chromium. The team's General channel registers on install; `help` and
// `incidents` answer with cards; Griffin's attack (through the threat-detection webhook) becomes an incident card in
// General that carries every action its state allows. Megan (responder) clicks Revoke and its confirmation, Assign to
// me, Block agent and its confirmation, and Resolve with a classification and a comment, each on the card the
// previous click left; the registry, the incident, the audit trail and the webhook agree after each click. Pradeep
// (viewer) clicks Block agent and its confirmation on another incident and is refused with a clear message; nothing
// changes. The playground has one user per process, so each person gets a playground of their own. No test here
// calls an invoke route itself. Screenshots: test-results/screenshots/playground-*.png.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { ZAVA_AGENT_IDS, ZAVA_USER_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { PLAYGROUND_TEAM } from '../../bot/src/teams/store/playground.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import type { PlaygroundSession } from './support/playground.js';
import {
  cardWith,
  lookUpCustomerAccount,
  mentionBot,
  openChannel,
  openPlayground,
  playSalesExfiltration,
  screenshot,
  untilBlocked,
} from './support/playground.js';
import { playGriffinAttack } from './tab-griffin-attack.js';

const GENERAL = PLAYGROUND_TEAM.id;
const WAIT = { timeout: 20_000 };

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the SOC bot in the Agents Playground, by clicks', () => {
  let server: TestServer;
  let browser: Browser;
  let session: PlaygroundSession | null = null;

  /** The audit records of `action` on `targetId`, through the API as an admin. */
  async function auditOf(action: string, targetId: string) {
    const res = await server
      .as('adele@zava.example')
      .get<{ items: { actor: string; outcome: string; via: string }[] }>(
        `/api/v1/audit?action=${action}&targetId=${encodeURIComponent(targetId)}&limit=50`,
      );
    expect(res.status).toBe(200);
    return res.body.items;
  }

  async function incident(id: string) {
    const res = await server
      .as('adele@zava.example')
      .get<{ incident: { status: string; assignedTo: string | null; classification: string | null } }>(
        `/api/v1/incidents/${id}`,
      );
    expect(res.status).toBe(200);
    return res.body.incident;
  }

  async function agent(id: string) {
    const res = await server
      .as('adele@zava.example')
      .get<{ agent: { lifecycle: string; blockedBy: string | null } }>(`/api/v1/agents/${id}`);
    expect(res.status).toBe(200);
    return res.body.agent;
  }

  beforeAll(async () => {
    server = await startTestServer('pglite');
    browser = await launchChromium();
  }, 180_000);
  // A failed step leaves the page as it was then: test-results/screenshots/playground-failed-<n>.png.
  let testNumber = 0;
  beforeEach(() => {
    const n = ++testNumber;
    onTestFailed(async () => {
      if (session) await screenshot(session.page, `failed-${n}`).catch(() => undefined);
    });
  });
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await server?.close();
  });

  it('Megan revokes, takes, blocks and resolves Griffin’s incident by clicking the card', async () => {
    session = await openPlayground(server, browser, 'megan');
    const { page } = session;

    // Opening the team's General channel installs the app there: the channel is registered.
    await openChannel(page, 'General');
    await page.getByText('Agent Warden will post incident cards here').first().waitFor(WAIT);
    const channel = await until('General registered', () => server.warden.teams.channels.get(GENERAL));
    expect(channel).toMatchObject({ active: true, teamName: PLAYGROUND_TEAM.name, conversationType: 'channel' });
    expect(channel.serviceUrl).toContain(`:${new URL(session.playground.url).port}/_connector`);

    await mentionBot(page, 'help');
    await cardWith(page, 'Commands').waitFor(WAIT);
    await mentionBot(page, 'incidents');
    await cardWith(page, /Open incidents \(\d+\)/).waitFor(WAIT);

    // Griffin's attack through the webhook: its incident card appears in General with its actions on it.
    const incidentId = await playGriffinAttack(server);
    const card = cardWith(page, 'Griffin Cho (griffin@zava.example');
    await card.waitFor(WAIT);
    await card.getByText('Agent Warden checks it when you click').waitFor(WAIT);
    await screenshot(page, 'incident-card');
    expect(await lookUpCustomerAccount(server, ZAVA_USER_IDS.griffin)).toMatchObject({ blockAction: false });

    // Revoke, then its confirmation (which says what revocation does not do).
    await card.getByRole('button', { name: /^Revoke sessions & require password reset/ }).click();
    await card.getByText('access tokens already issued stay valid').waitFor(WAIT);
    await card.getByRole('button', { name: /^Yes, revoke/ }).click();
    await card.getByText(/Sessions of Griffin Cho revoked and password reset required by Megan Bowen/).waitFor(WAIT);
    const revoked = await until('Griffin revoked', async () => {
      const res = await server
        .as('megan@zava.example')
        .get<{ passwordResetRequired: boolean }>(`/api/v1/users/${ZAVA_USER_IDS.griffin}`);
      return res.body.passwordResetRequired;
    });
    expect(revoked).toBe(true);
    expect((await auditOf('revokeUser', ZAVA_USER_IDS.griffin)).map((r) => [r.actor, r.outcome, r.via])).toEqual([
      ['megan@zava.example', 'succeeded', 'card'],
    ]);
    expect(
      (await untilBlocked("Griffin's next call", () => lookUpCustomerAccount(server, ZAVA_USER_IDS.griffin)))
        .reasonCode,
    ).toBe(1002);
    await expect(card.getByRole('button', { name: /^Revoke sessions/ }).count()).resolves.toBe(0);

    // Assign to me, on the card the revoke left.
    await card.getByRole('button', { name: 'Assign to me' }).click();
    await until('assigned to Megan', async () => (await incident(incidentId)).assignedTo === 'megan@zava.example');
    await card.getByText('megan@zava.example').first().waitFor(WAIT);

    // Block agent, then its confirmation.
    const billing = ZAVA_AGENT_IDS.customerBillingAgent;
    await card.getByRole('button', { name: /^Block agent/ }).click();
    await card.getByRole('button', { name: /^Yes, block/ }).click();
    await card.getByText('Customer Billing Agent (blocked)').waitFor(WAIT);
    expect(await until('agent blocked', async () => (await agent(billing)).lifecycle === 'blocked')).toBe(true);
    expect((await agent(billing)).blockedBy).toBe('megan@zava.example');
    expect(
      (await untilBlocked("the agent's next call", () => lookUpCustomerAccount(server, ZAVA_USER_IDS.nestor)))
        .reasonCode,
    ).toBe(1001);
    await screenshot(page, 'megan-blocked');

    // Resolve with a classification and a comment.
    await card.getByRole('button', { name: 'Resolve', exact: true }).click();
    // The playground draws the choice set as a Fluent combobox: open it and pick the option.
    await card.getByRole('combobox').first().click();
    await page.getByRole('option', { name: 'True positive' }).click();
    await card.getByRole('textbox').first().fill('Stolen session; sessions revoked and agent blocked.');
    await card.getByRole('button', { name: 'Resolve incident' }).click();
    const resolved = await until('resolved', async () => {
      const i = await incident(incidentId);
      return i.status === 'resolved' ? i : null;
    });
    expect(resolved.classification).toBe('truePositive');
    expect((await auditOf('resolveIncident', incidentId)).map((r) => [r.actor, r.outcome, r.via])).toEqual([
      ['megan@zava.example', 'succeeded', 'card'],
    ]);
    await screenshot(page, 'megan-resolved');
    // Nothing left the machine but the page's web fonts, which were refused.
    expect(session.offsite.filter((u) => !/\.woff2?$/.test(u))).toEqual([]);
  }, 180_000);

  it('Pradeep (viewer) clicks Block agent and its confirmation: refused with a clear message, nothing changes', async () => {
    await session?.close();
    session = await openPlayground(server, browser, 'pradeep');
    const { page } = session;
    await openChannel(page, 'General');
    await page.getByText('Agent Warden will post incident cards here').first().waitFor(WAIT);

    const incidentId = await playSalesExfiltration(server);
    const card = cardWith(page, 'Isaiah Langer');
    await card.waitFor(WAIT);
    await card.getByRole('button', { name: /^Block agent/ }).click();
    await card.getByRole('button', { name: /^Yes, block/ }).click();
    await page.getByText('You are not allowed to block agents.').waitFor(WAIT);
    await screenshot(page, 'pradeep-refused');

    expect((await agent(ZAVA_AGENT_IDS.salesOutreach)).lifecycle).not.toBe('blocked');
    expect(await auditOf('blockAgent', ZAVA_AGENT_IDS.salesOutreach)).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ outcome: 'succeeded' })]),
    );
    expect((await incident(incidentId)).status).not.toBe('resolved');
  }, 180_000);
});
