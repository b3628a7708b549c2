// The SOC bot end to end: the real server (embedded Zava tenant, PGlite) and the real Microsoft 365 Agents
// Playground, driven in Debian's Chromium. The team's General channel registers on install; `help` and
// `incidents` answer with cards; Griffin's attack (through the threat-detection webhook) becomes an incident
// card in General; Megan (responder) revokes Griffin's sessions from the card, everyone sees who did it and
// Griffin's next tool call is blocked (1002); Adele (admin) blocks Customer Billing Agent from the same card,
// and the card, the registry and the webhook (1001) agree; a second click of either does nothing more;
// Pradeep (viewer) gets no buttons. Screenshots: test-results/screenshots/playground-*.png.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { ZAVA_AGENT_IDS, ZAVA_USER_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { PLAYGROUND_TEAM, playgroundUserId } from '../../bot/src/teams/store/playground.js';
import { incidentCard } from '../../bot/src/teams/cards/incident-card.js';
import { viewerOf } from '../../bot/src/teams/cards/card-views.js';
import { executeActions } from '../teams/cards/card-assertions.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import type { PlaygroundSession } from './support/playground.js';
import {
  cardWith,
  invokeThroughPlayground,
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

describe('the SOC bot in the Agents Playground', () => {
  let server: TestServer;
  let browser: Browser;
  let session: PlaygroundSession | null = null;

  /** The Griffin incident and its post in General, from the first test. */
  let griffinCard: { incidentId: string; activityId: string } | null = null;

  /** The Action.Execute titled `title` on the Griffin card as the bot builds it for `alias`. */
  async function cardButton(alias: 'megan' | 'adele', title: string) {
    const person = (await server.warden.teams.principals.byUpn(`${alias}@zava.example`))!;
    const view = (await server.warden.teams.incidents.incidentCardView(griffinCard!.incidentId, GENERAL))!;
    const action = executeActions(incidentCard(view, viewerOf(person))).find((a) => a.title === title);
    expect(action, `${alias}'s card has "${title}"`).toBeDefined();
    return action!;
  }

  /** Sends the button's click as `alias` through the playground's invoke route, in the card's thread. */
  function clickAs(alias: 'megan' | 'adele', action: { verb: string; title?: string; data: object }) {
    return invokeThroughPlayground(session!.playground.url, {
      userId: playgroundUserId(alias),
      // A channel post is its own thread: Teams' thread conversation id.
      conversationId: `${GENERAL};messageid=${griffinCard!.activityId}`,
      replyToId: griffinCard!.activityId,
      verb: action.verb,
      title: action.title!,
      data: { ...action.data },
    });
  }

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

  it('Megan: install registers General, commands answer with cards, Megan revokes Griffin from the card once', async () => {
    session = await openPlayground(server, browser, 'megan');
    const { page } = session;

    // Opening the team's General channel installs the app there: the channel is registered.
    await openChannel(page, 'General');
    await page.getByText('Agent Warden will post incident cards here').first().waitFor(WAIT);
    const channel = await until('General registered', () => server.warden.teams.channels.get(GENERAL));
    expect(channel).toMatchObject({ active: true, teamName: PLAYGROUND_TEAM.name, conversationType: 'channel' });
    // Posts go to the playground's stand-in Bot Connector.
    expect(channel.serviceUrl).toContain(`:${new URL(session.playground.url).port}/_connector`);

    await mentionBot(page, 'help');
    await cardWith(page, 'Commands').waitFor(WAIT);
    await mentionBot(page, 'incidents');
    await cardWith(page, /Open incidents \(\d+\)/).waitFor(WAIT);
    await screenshot(page, 'commands');

    // Griffin's attack through the webhook: its incident card appears in General.
    const incidentId = await playGriffinAttack(server);
    // No closing parenthesis: once revoked, the card says "(griffin@zava.example, sessions revoked)".
    const card = cardWith(page, 'Griffin Cho (griffin@zava.example');
    await card.waitFor(WAIT);
    await expect(card.textContent()).resolves.toContain('Customer Billing Agent');
    await screenshot(page, 'incident-card');

    // Before anyone acts, Griffin's account may still look up a customer through the agent.
    expect(await lookUpCustomerAccount(server, ZAVA_USER_IDS.griffin)).toMatchObject({ blockAction: false });

    // The base card carries no buttons for anyone; Megan asks for hers (the playground has no per-user refresh).
    await card.getByRole('button', { name: 'Show my actions' }).click();
    const revoke = card.getByRole('button', { name: /^Revoke sessions & require password reset/ });
    await revoke.first().waitFor(WAIT);
    await expect(card.getByRole('button', { name: /^Block agent/ }).count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'megan-actions');
    await revoke.first().click();
    const confirm = card.getByRole('button', { name: /^Yes, revoke/ });
    await confirm.waitFor(WAIT);
    await expect(card.textContent()).resolves.toContain(
      'Revoke every sign-in session and refresh token of Griffin Cho',
    );
    await expect(card.textContent()).resolves.toContain('access tokens already issued stay valid');
    await screenshot(page, 'revoke-confirm');

    // "Yes, revoke" as the page would send it (see invokeThroughPlayground): the button's own verb and data,
    // from Megan's card as the bot builds it for her.
    const posted = await server.warden.store.db.query<{ activity_id: string }>(
      "select activity_id from card_posts where subject_type = 'incident' and subject_id = $1 and conversation_id = $2",
      [incidentId, GENERAL],
    );
    griffinCard = { incidentId, activityId: posted[0]!.activity_id };
    const yes = await cardButton('megan', 'Yes, revoke');
    const click = () => clickAs('megan', yes);
    const answer = await click();
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    const revoked = /Sessions of Griffin Cho revoked and password reset required by Megan Bowen at \d\d:\d\d UTC/;
    expect(JSON.stringify(answer.value)).toMatch(revoked);

    // Everyone's card in General says who revoked: the notifier updated the posted message in place.
    await card.getByText(revoked).waitFor(WAIT);
    await card.getByText('Griffin Cho (griffin@zava.example, sessions revoked)').waitFor(WAIT);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'revoked');

    // Griffin's next tool call through the webhook is blocked: the user must reset the password (1002).
    const next = await untilBlocked("Griffin's next call", () => lookUpCustomerAccount(server, ZAVA_USER_IDS.griffin));
    expect(next.reasonCode).toBe(1002);
    const griffin = await server
      .as('megan@zava.example')
      .get<{ passwordResetRequired: boolean }>(`/api/v1/users/${ZAVA_USER_IDS.griffin}`);
    expect(griffin.status).toBe(200);
    expect(griffin.body.passwordResetRequired).toBe(true);
    const audit = () => auditOf('revokeUser', ZAVA_USER_IDS.griffin);
    expect((await audit()).map((r) => [r.actor, r.outcome, r.via])).toEqual([
      ['megan@zava.example', 'succeeded', 'card'],
    ]);

    // The same click again: the same answer, and nothing is done twice.
    const again = await click();
    expect(JSON.stringify(again.value)).toMatch(revoked);
    expect(await audit()).toHaveLength(1);
    // Nothing left the machine but the page's web fonts, which were refused.
    expect(session.offsite.filter((u) => !/\.woff2?$/.test(u))).toEqual([]);
  }, 180_000);

  it('Adele (admin) blocks Customer Billing Agent from the card: card, registry and webhook agree, once', async () => {
    expect(session, 'the Megan test left the playground open').not.toBeNull();
    expect(griffinCard, 'the Megan test posted the Griffin card').not.toBeNull();
    const { page } = session!;
    const card = cardWith(page, 'Griffin Cho (griffin@zava.example');
    const agentId = ZAVA_AGENT_IDS.customerBillingAgent;

    // Until the agent is blocked, someone else (Nestor, its maker) may still use it.
    expect(await lookUpCustomerAccount(server, ZAVA_USER_IDS.nestor)).toMatchObject({ blockAction: false });

    // The playground has one signed-in user per process and keeps no history across processes, so the card
    // Adele acts on is the one already in General; she clicks "Yes, block" on the card as the bot builds it
    // for her, through the playground's own invoke route with her Teams user id.
    const yes = await cardButton('adele', 'Yes, block');
    const click = () => clickAs('adele', yes);
    const answer = await click();
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    const blocked = /Agent Customer Billing Agent blocked by Adele Vance at \d\d:\d\d UTC/;
    expect(JSON.stringify(answer.value)).toMatch(blocked);

    // The card in General shows it, for everyone.
    await card.getByText(blocked).waitFor(WAIT);
    await expect(card.textContent()).resolves.toContain('Customer Billing Agent (blocked)');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'adele-blocked');

    // The registry shows it.
    const registry = await server
      .as('adele@zava.example')
      .get<{ agent: { lifecycle: string; blockedBy: string | null } }>(`/api/v1/agents/${agentId}`);
    expect(registry.status).toBe(200);
    expect(registry.body.agent).toMatchObject({ lifecycle: 'blocked', blockedBy: 'adele@zava.example' });

    // The agent's next tool call is blocked because the agent is (1001), whoever makes it.
    const next = await untilBlocked("the agent's next call", () => lookUpCustomerAccount(server, ZAVA_USER_IDS.nestor));
    expect(next.reasonCode).toBe(1001);

    // The same click again: the same answer, and nothing is done twice.
    const audit = () => auditOf('blockAgent', agentId);
    expect((await audit()).map((r) => [r.actor, r.outcome, r.via])).toEqual([
      ['adele@zava.example', 'succeeded', 'card'],
    ]);
    const again = await click();
    expect(JSON.stringify(again.value)).toMatch(blocked);
    expect(await audit()).toHaveLength(1);
    expect((await server.warden.store.agents.get(agentId))?.blockedBy).toBe('adele@zava.example');
  }, 180_000);

  it('Pradeep (viewer) sees the incident card with no buttons', async () => {
    await session?.close();
    session = await openPlayground(server, browser, 'pradeep');
    const { page } = session;
    await openChannel(page, 'General');
    await page.getByText('Agent Warden will post incident cards here').first().waitFor(WAIT);

    await playSalesExfiltration(server);
    const card = cardWith(page, 'Isaiah Langer');
    await card.waitFor(WAIT);
    await card.getByRole('button', { name: 'Show my actions' }).click();
    await card.getByText('Actions need the responder or admin role.').waitFor(WAIT);
    for (const name of [/^Block agent/, /^Revoke/, /^Resolve/, /^Assign to me/, /^Unblock/]) {
      expect(await card.getByRole('button', { name }).count()).toBe(0);
    }
    await screenshot(page, 'pradeep-viewer');
  }, 180_000);
});
