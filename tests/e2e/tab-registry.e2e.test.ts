// The agent registry at scale and across navigation, as a person sees it: at 10,000 agents the footer says how many
// of how many are shown, and the filters are still there after opening an agent and coming back through
// "All agents" or the Agents tab, at desktop and Teams mobile width. Needs the built tab and Debian's Chromium.
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { hiddenBy, type ViewportName } from './support/tab-page.js';
import { MEGAN, useTabSuite } from './support/tab-suite.js';

const VIEWPORTS: ViewportName[] = ['desktop', 'mobile'];
const TOTAL = 10_000;

const suite = useTabSuite('registry');

async function expectSeen(target: Locator): Promise<void> {
  await target.waitFor();
  await target.scrollIntoViewIfNeeded();
  expect(await hiddenBy(target)).toEqual([]);
}

beforeAll(async () => {
  // Copies of one Zava agent up to 10,000 in all, written straight to the store (as a tenant sync would).
  await suite.server.warden.store.db.query(
    `insert into agents (id, name, platform, lifecycle, publish_status, created_by, owners, last_modified_at, search,
                         tool_count, mcp_maker, risk_score, risk_level, risk, data)
     select 'bulk-' || g, 'Bulk agent ' || g, platform, lifecycle, publish_status, created_by, owners,
            last_modified_at, 'bulk agent ' || g, tool_count, mcp_maker, risk_score, risk_level, risk,
            jsonb_set(jsonb_set(data, '{id}', to_jsonb('bulk-' || g)), '{name}', to_jsonb('Bulk agent ' || g))
     from agents, generate_series(1, $2::int - (select count(*)::int from agents)) g where id = $1`,
    [ZAVA_AGENT_IDS.marketingCampaignPlanner, TOTAL],
  );
});

describe('the agent registry (Chromium, Zava and 10,000 agents)', () => {
  for (const viewport of VIEWPORTS) {
    it(`says how many of how many agents are shown (${viewport})`, async () => {
      const { context, page } = await suite.open(MEGAN, '/agents', { viewport });
      const footer = page.getByRole('status').filter({ hasText: /agents?/ });
      await expectSeen(footer.getByText(/^100 of 10,000 agents$/));
      await suite.shot(page, `count-${viewport}`);
      await context.close();
    });

    it(`keeps the filters after opening an agent and coming back (${viewport})`, async () => {
      const { context, page } = await suite.open(MEGAN, '/agents', { viewport });
      const search = page.getByRole('searchbox', { name: 'Search' }).or(page.getByRole('textbox', { name: 'Search' }));
      await search.fill('billing');
      const rows = page.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: 'Billing' });
      const countText = page.getByRole('status').getByText(/^1 agent$/);
      await countText.waitFor();

      await rows.first().click();
      await page.getByRole('heading', { name: 'Customer Billing Agent', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'All agents' }).click();
      await expectSeen(search);
      expect(await search.inputValue()).toBe('billing');
      await expectSeen(countText);

      await rows.first().click();
      await page.getByRole('heading', { name: 'Customer Billing Agent', level: 1 }).waitFor();
      await page.locator('nav[aria-label="Sections"] [role="tab"]').filter({ hasText: 'Agents' }).click();
      expect(await search.inputValue()).toBe('billing');
      await expectSeen(countText);
      await context.close();
    });
  }
});
