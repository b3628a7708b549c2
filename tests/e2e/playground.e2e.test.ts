// The SOC bot end to end, by clicks only: the real server (embedded Zava tenant, PGlite) and the real Microsoft 365
// Agents Playground, driven in Debian's Chromium. The team's General channel registers on install; `help` and
// `incidents` answer with cards; Griffin's attack (through the threat-detection webhook) becomes an incident card in
// General that carries every action its state allows. Megan (responder) clicks Revoke and its confirmation, Assign to
// me, Block agent and its confirmation, and Resolve with a classification and a comment, each on the card the
// previous click left; the registry, the incident, the audit trail and the webhook agree after each click. Adele
// (admin) blocks and unblocks Sales Outreach Assistant, approves one resubmission and rejects another, each with a reason;
// Pradeep (viewer) clicks Approve and Reject and is refused with a clear message, and nothing changes. The
// playground has one user per process, so each person gets a playground of their own. No test here calls an invoke
// route itself. Screenshots: test-results/screenshots/playground-*.png.
import type { Browser, Locator } from 'playwright-core';
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

/**
 * Opens the inline card behind `opener` (Action.ShowCard) and clicks `confirm` in it. The notifier may update the
 * posted card in place between the two clicks (a late alert of the same incident), which closes the inline card:
 * then it is opened again.
 */
async function openAndConfirm(card: Locator, opener: RegExp | string, confirm: RegExp | string): Promise<void> {
  const button = (name: RegExp | string) =>
    card.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });
  for (let attempt = 1; ; attempt++) {
    await button(opener).click();
    try {
      await button(confirm).click({ timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
}

/** Like openAndConfirm, for an inline form: opens it, fills it with `fill`, then clicks `submit`. */
async function fillInline(card: Locator, opener: string, submit: string, fill: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await card.getByRole('button', { name: opener, exact: true }).click();
    try {
      await fill();
      await card.getByRole('button', { name: submit, exact: true }).click({ timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
    }
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
      .get<{ items: { actor: string; outcome: string; via: string; detail: string }[] }>(
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

  /** `agentId`'s maker submits `version` (the same definition) for review, through the API. */
  async function resubmit(agentId: string, version: string): Promise<string> {
    const a = (
      await server
        .as('adele@zava.example')
        .get<{ agent: Record<string, unknown> & { createdBy: string } }>(`/api/v1/agents/${agentId}`)
    ).body.agent;
    const fields = ['description', 'instructions', 'userAuthentication', 'authenticationTrigger', 'accessControl'];
    const definition = Object.fromEntries(
      [...fields, 'tools', 'knowledgeSources', 'topics', 'triggers'].map((k) => [k, a[k]]),
    );
    const res = await server
      .as(a.createdBy)
      .post<{ id: string }>(`/api/v1/agents/${agentId}/submissions`, { version, note: 'review please', definition });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function submission(id: string) {
    const res = await server
      .as('adele@zava.example')
      .get<{ items: { submission: { id: string; status: string; reason: string | null } }[] }>(
        '/api/v1/submissions?limit=100',
      );
    expect(res.status).toBe(200);
    return res.body.items.find((v) => v.submission.id === id)?.submission;
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
    await openAndConfirm(card, /^Block agent/, /^Yes, block/);
    await card.getByText('Customer Billing Agent (blocked)').waitFor(WAIT);
    expect(await until('agent blocked', async () => (await agent(billing)).lifecycle === 'blocked')).toBe(true);
    expect((await agent(billing)).blockedBy).toBe('megan@zava.example');
    expect(
      (await untilBlocked("the agent's next call", () => lookUpCustomerAccount(server, ZAVA_USER_IDS.nestor)))
        .reasonCode,
    ).toBe(1001);
    await screenshot(page, 'megan-blocked');

    // Resolve with a classification and a comment.
    await fillInline(card, 'Resolve', 'Resolve incident', async () => {
      // The playground draws the choice set as a Fluent combobox: open it and pick the option.
      await card.getByRole('combobox').first().click({ timeout: 5_000 });
      await page.getByRole('option', { name: 'True positive' }).click({ timeout: 5_000 });
      await card
        .getByRole('textbox')
        .first()
        .fill('Stolen session; sessions revoked and agent blocked.', { timeout: 5_000 });
    });
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

  it('Adele (admin) blocks and unblocks an agent, approves one resubmission and rejects another with a reason', async () => {
    await session?.close();
    session = await openPlayground(server, browser, 'adele');
    const { page } = session;
    await openChannel(page, 'General');
    await page.getByText('Agent Warden will post incident cards here').first().waitFor(WAIT);

    // Isaiah's exfiltration through Sales Outreach Assistant: Adele blocks the agent, then unblocks it.
    const sales = ZAVA_AGENT_IDS.salesOutreach;
    await playSalesExfiltration(server);
    const card = cardWith(page, 'Isaiah Langer');
    await card.waitFor(WAIT);
    await openAndConfirm(card, /^Block agent/, /^Yes, block/);
    await card.getByText('Sales Outreach Assistant (blocked)').waitFor(WAIT);
    expect(await until('blocked', async () => (await agent(sales)).lifecycle === 'blocked')).toBe(true);
    expect((await agent(sales)).blockedBy).toBe('adele@zava.example');
    await card.getByRole('button', { name: /^Unblock agent/ }).click();
    expect(await until('unblocked', async () => (await agent(sales)).lifecycle !== 'blocked')).toBe(true);
    expect((await auditOf('unblockAgent', sales)).map((r) => [r.actor, r.outcome, r.via])).toEqual([
      ['adele@zava.example', 'succeeded', 'card'],
    ]);
    await screenshot(page, 'adele-unblocked');

    // Two makers' resubmissions reach General as approval cards: Adele approves one and rejects the other.
    const approveId = await resubmit(ZAVA_AGENT_IDS.invoiceReconciliation, '7.1.0');
    const approval = cardWith(page, 'version 7.1.0');
    await approval.waitFor(WAIT);
    await fillInline(approval, 'Approve & publish', 'Publish version', () =>
      approval.getByRole('textbox').first().fill('Invoices stay on user auth.', { timeout: 5_000 }),
    );
    const approved = await until('approved', async () => {
      const s = await submission(approveId);
      return s?.status === 'approved' ? s : null;
    });
    expect(approved.reason).toBe('Invoices stay on user auth.');
    // The audit keeps the reason, and the card says it.
    expect((await auditOf('approveSubmission', approveId)).map((r) => [r.actor, r.outcome, r.detail])).toEqual([
      ['adele@zava.example', 'succeeded', 'Invoices stay on user auth.'],
    ]);
    await approval.getByText(/approved and published by Adele Vance .*: Invoices stay on user auth\./).waitFor(WAIT);

    const rejectId = await resubmit(ZAVA_AGENT_IDS.marketingCampaignPlanner, '7.2.0');
    const rejection = cardWith(page, 'version 7.2.0');
    await rejection.waitFor(WAIT);
    await fillInline(rejection, 'Reject', 'Reject version', () =>
      rejection.getByRole('textbox').first().fill('Keep the campaign tools on user auth.', { timeout: 5_000 }),
    );
    const rejected = await until('rejected', async () => {
      const s = await submission(rejectId);
      return s?.status === 'rejected' ? s : null;
    });
    expect(rejected.reason).toBe('Keep the campaign tools on user auth.');
    await screenshot(page, 'adele-decided');
  }, 180_000);

  it('Pradeep (viewer) clicks Approve and Reject on a resubmission: refused with a clear message, nothing changes', async () => {
    await session?.close();
    session = await openPlayground(server, browser, 'pradeep');
    const { page } = session;
    await openChannel(page, 'General');
    await page.getByText('Agent Warden will post incident cards here').first().waitFor(WAIT);

    const id = await resubmit(ZAVA_AGENT_IDS.customerBillingAgent, '7.3.0');
    const card = cardWith(page, 'version 7.3.0');
    await card.waitFor(WAIT);
    await fillInline(card, 'Approve & publish', 'Publish version', () =>
      card.getByRole('textbox').first().fill('Looks fine to me.', { timeout: 5_000 }),
    );
    await page.getByText('You are not allowed to approve agent versions.').waitFor(WAIT);
    await fillInline(card, 'Reject', 'Reject version', () =>
      card.getByRole('textbox').first().fill('Not my call.', { timeout: 5_000 }),
    );
    await page.getByText('You are not allowed to reject agent versions.').waitFor(WAIT);
    await screenshot(page, 'pradeep-refused');

    expect((await submission(id))?.status).toBe('pending');
    for (const action of ['approveSubmission', 'rejectSubmission']) {
      const records = await auditOf(action, id);
      expect(records.filter((r) => r.outcome === 'succeeded')).toEqual([]);
    }
  }, 180_000);
});
