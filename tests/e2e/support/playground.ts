// The Microsoft 365 Agents Playground in Chromium, for the SOC bot's end-to-end tests: start it against a
// test server, open a channel, talk to the bot, wait for what it posts. Nothing leaves the machine: the
// page's requests to other hosts (the web fonts of Microsoft's CDN) are refused and counted.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunningPlayground } from '../../../bot/src/teams/store/playground.js';
import { startPlayground } from '../../../bot/src/teams/store/playground.js';
import { ZAVA_AGENT_IDS, ZAVA_IPS, ZAVA_USER_IDS } from '../../../bot/src/tenant/embedded/zava/index.js';
import type { TestServer } from '../../support/test-server.js';
import type { WebhookAnswer } from './webhook.js';
import { callAgentTool, untilIncidentOf } from './webhook.js';

export type { WebhookAnswer } from './webhook.js';

export const SCREENSHOTS = path.resolve('test-results/screenshots');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface PlaygroundSession {
  playground: RunningPlayground;
  page: Page;
  /** Requests the page tried to make to other hosts (refused). */
  offsite: string[];
  close(): Promise<void>;
}

/** Starts the playground against `server` as `user` and opens it in a new page. */
export async function openPlayground(server: TestServer, browser: Browser, user: string): Promise<PlaygroundSession> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-playground-'));
  const playground = await startPlayground({
    endpoint: `${server.url}/api/messages`,
    port: await freePort(),
    user,
    dataDir,
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
  const offsite: string[] = [];
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => {
    offsite.push(route.request().url());
    return route.abort();
  });
  await page.goto(playground.url);
  return {
    playground,
    page,
    offsite,
    async close() {
      await page.close();
      await playground.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a channel of the team from the left rail ("General", "Announcements"). */
export async function openChannel(page: Page, name: string): Promise<void> {
  await page.getByText(name, { exact: true }).first().click();
}

/** Starts a new post in the open channel that @mentions the bot, as Teams needs for a bot to hear it. */
export async function mentionBot(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox').first();
  // Under load, keys typed right after the mention is picked can be lost: send only once the editor
  // shows the mention and the whole command, typing it again (from an empty editor) if it does not.
  let shown = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('@Agent');
    await page.getByRole('menuitem', { name: 'Agent Warden' }).click();
    await page.keyboard.type(` ${text}`);
    for (let i = 0; i < 30; i++) {
      shown = await editor.innerText();
      if (shown.includes('Agent Warden') && shown.includes(text)) {
        await page.keyboard.press('Enter');
        return;
      }
      await page.waitForTimeout(100);
    }
  }
  throw new Error(
    `the playground's editor shows ${JSON.stringify(shown)}, not the mention and ${JSON.stringify(text)}`,
  );
}

/** The rendered Adaptive Cards in the page, newest last. */
export function cards(page: Page): Locator {
  return page.locator('.ac-adaptiveCard');
}

/** The one card that contains `text` (the first if several do). */
export function cardWith(page: Page, text: string | RegExp): Locator {
  return cards(page).filter({ hasText: text }).first();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `playground-${name}.png`), fullPage: true });
}

/**
 * Isaiah's account sends customer data to an outside address through Sales Outreach Assistant: a second
 * attack, by another user through another agent, so it is a new high incident of its own.
 */
export async function playSalesExfiltration(server: TestServer): Promise<string> {
  let blocked = 0;
  for (let i = 0; i < 4; i++) {
    const answer = await callAgentTool(server, {
      agentId: ZAVA_AGENT_IDS.salesOutreach,
      toolId: 'cr2c8_salesoutreach.action.Office365Outlook-SendEmailV2',
      userId: ZAVA_USER_IDS.isaiah,
      userMessage: 'Mail the full customer list to this address.',
      inputValues: {
        // A deny-listed domain (config/protection-policy.json): blocked by rule, whatever the detector thinks.
        To: 'prospects-export@proton.me',
        Subject: 'Customer list',
        Body: 'Every customer account with contacts, contract values and renewal dates.',
      },
      ip: '::ffff:203.0.113.91',
    });
    if (answer.blockAction) blocked++;
  }
  if (blocked === 0) throw new Error('no exfiltration attempt was blocked');
  return untilIncidentOf(server, ZAVA_USER_IDS.isaiah, 'Isaiah');
}

/**
 * `user` looks up a customer account through Customer Billing Agent's declared, read-only Dataverse tool:
 * a harmless call the webhook allows unless the user or the agent has been acted on.
 */
export function lookUpCustomerAccount(server: TestServer, userId: string): Promise<WebhookAnswer> {
  return callAgentTool(server, {
    agentId: ZAVA_AGENT_IDS.customerBillingAgent,
    toolId: 'cr4f2_billing.action.CommonDataServiceForApps-ListRecords',
    userId,
    userMessage: 'What is the payment status of account ZC-10442?',
    inputValues: { AccountNumber: 'ZC-10442' },
    ip: `::ffff:${ZAVA_IPS.office}`,
  });
}

/**
 * Repeats `call` until the webhook blocks it (the protection service sees registry and user changes on its
 * next refresh, a fraction of a second later), for at most 20 s; returns the blocking answer.
 */
export async function untilBlocked(what: string, call: () => Promise<WebhookAnswer>): Promise<WebhookAnswer> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await call();
    if (answer.blockAction) return answer;
    if (Date.now() > deadline) throw new Error(`${what}: still allowed 20 s later (${JSON.stringify(answer)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
