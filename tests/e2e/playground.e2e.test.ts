// The SOC bot end to end: the real server (embedded Zava tenant, PGlite) and the real Microsoft 365 Agents
// Playground, driven in Debian's Chromium. The team's General channel registers on install; `help` and
// `incidents` answer with cards; Griffin's attack (through the threat-detection webhook) becomes an incident
// card in General; Megan blocks the agent from the card and everyone sees who did it; a second click does
// nothing more; Pradeep (viewer) gets no buttons. Screenshots: test-results/screenshots/playground-*.png.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
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
  mentionBot,
  openChannel,
  openPlayground,
  playSalesExfiltration,
  screenshot,
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

  beforeAll(async () => {
    server = await startTestServer('pglite');
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await server?.close();
  });

  it('Megan: install registers General, commands answer with cards, the Griffin card acts once', async () => {
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
    const card = cardWith(page, 'Griffin Cho (griffin@zava.example)');
    await card.waitFor(WAIT);
    await expect(card.textContent()).resolves.toContain('Customer Billing Agent');
    await screenshot(page, 'incident-card');

    // The base card carries no buttons for anyone; Megan asks for hers (the playground has no per-user refresh).
    await card.getByRole('button', { name: 'Show my actions' }).click();
    const block = card.getByRole('button', { name: /^Block agent/ });
    await block.first().waitFor(WAIT);
    await screenshot(page, 'megan-actions');
    await block.first().click();
    const confirm = card.getByRole('button', { name: /^Yes, block/ });
    await confirm.waitFor(WAIT);
    await screenshot(page, 'block-confirm');

    // "Yes, block" as the page would send it (see invokeThroughPlayground): the button's own verb and data,
    // from Megan's card as the bot builds it for her.
    const megan = (await server.warden.teams.principals.byUpn('megan@zava.example'))!;
    const view = (await server.warden.teams.incidents.incidentCardView(incidentId, GENERAL))!;
    const yes = executeActions(incidentCard(view, viewerOf(megan))).find((a) => a.title === 'Yes, block');
    expect(yes).toBeDefined();
    const posted = await server.warden.store.db.query<{ activity_id: string }>(
      "select activity_id from card_posts where subject_type = 'incident' and subject_id = $1 and conversation_id = $2",
      [incidentId, GENERAL],
    );
    const click = () =>
      invokeThroughPlayground(session!.playground.url, {
        userId: playgroundUserId('megan'),
        // A channel post is its own thread: Teams' thread conversation id.
        conversationId: `${GENERAL};messageid=${posted[0]!.activity_id}`,
        replyToId: posted[0]!.activity_id,
        verb: yes!.verb,
        title: yes!.title!,
        data: { ...yes!.data },
      });
    const answer = await click();
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(answer.value)).toMatch(
      /Agent Customer Billing Agent blocked by Megan Bowen at \d\d:\d\d UTC/,
    );

    // Everyone's card in General says so: the notifier updated the posted message in place.
    await card.getByText(/Agent Customer Billing Agent blocked by Megan Bowen at \d\d:\d\d UTC/).waitFor(WAIT);
    await screenshot(page, 'blocked');
    const agent = await server.warden.store.agents.get(ZAVA_AGENT_IDS.customerBillingAgent);
    expect(agent).toMatchObject({ lifecycle: 'blocked', blockedBy: 'megan@zava.example' });
    const audit = async () =>
      (
        await server.warden.store.audit.list({
          action: 'blockAgent',
          targetId: ZAVA_AGENT_IDS.customerBillingAgent,
          limit: 10,
        })
      ).items;
    expect((await audit()).map((r) => [r.actor, r.outcome, r.via])).toEqual([
      ['megan@zava.example', 'succeeded', 'card'],
    ]);

    // The same click again: the same answer, and nothing is done twice.
    const again = await click();
    expect(JSON.stringify(again.value)).toContain('blocked by Megan Bowen');
    expect(await audit()).toHaveLength(1);
    expect((await server.warden.store.agents.get(ZAVA_AGENT_IDS.customerBillingAgent))?.blockedBy).toBe(
      'megan@zava.example',
    );
    // Nothing left the machine but the page's web fonts, which were refused.
    expect(session.offsite.filter((u) => !/\.woff2?$/.test(u))).toEqual([]);
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
