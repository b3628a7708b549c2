// After a change, a large tenant's hunt is answered from the previous agent tables while the new ones are made, and
// the result line says so (hunting-tables.ts, FreshnessOptions). Zava is far below the size from which that happens,
// so this server lowers the size and the wait to zero; the rest is a person in the tab: Adele (an admin: bulk block is
// theirs) hunts an agent's status, blocks it from the results, runs the hunt again and reads the mark, then runs it
// once more and sees the block.
// Needs the built tab (`npm run build`) and Debian's Chromium.
import { describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { hiddenBy } from './support/tab-page.js';
import { ADELE, useTabSuite } from './support/tab-suite.js';

const AGENT = ZAVA_AGENT_IDS.travelBooking;
const QUERY = `AgentsInfo | where AgentId == '${AGENT}' | top 1 by Timestamp desc | project AIAgentId = AgentId, LifecycleStatus`;

const suite = useTabSuite('hunting-fresh', { huntingFreshness: { freshWaitMs: 0, staleFromRows: 0 } });

describe('hunting right after a change (Chromium, Zava as a large tenant)', () => {
  it('marks a result made from the previous agent tables, then shows the change once they are made', async () => {
    const { context, page } = await suite.open(ADELE, '/hunting', { viewport: 'desktop' });
    try {
      const hunting = suite.server.warden.hunting;
      const summary = page.getByRole('status').filter({ hasText: /\d+ rows?/ });
      const status = page.getByRole('table', { name: 'Hunting results' }).getByRole('row').nth(1);
      const runQuery = async () => {
        await page.getByRole('button', { name: 'Run query' }).click();
        // The result line of this run: the previous one goes while the query runs.
        await summary.waitFor();
      };
      await page.getByRole('textbox', { name: 'Query' }).fill(QUERY);
      await runQuery();
      expect(await status.innerText()).toContain('Active');
      expect(await summary.innerText()).not.toContain('Agent tables as of');
      // Every agent table of this version is made: it is the one that answers while a newer one is made.
      await hunting.prepared();

      // Adele blocks the agent from the results.
      await page.getByRole('checkbox', { name: `Select ${AGENT}` }).click();
      await page.getByRole('button', { name: 'Block (1)' }).click();
      const dialog = page.getByRole('dialog', { name: 'Block agents' });
      await dialog.getByRole('textbox', { name: /Reason/ }).fill('Books travel outside policy');
      await dialog.getByRole('button', { name: 'Block', exact: true }).click();
      await page.locator('.fui-Toast').filter({ hasText: 'Blocked 1 agent' }).waitFor();

      // At once: the previous tables answer (still "Active"), and the line says they are earlier ones.
      await runQuery();
      await expect.poll(() => summary.innerText()).toContain('Agent tables as of');
      expect(await summary.innerText()).toContain('run again in a moment to include them');
      await expect.poll(() => hiddenBy(summary)).toEqual([]);
      expect(await status.innerText()).toContain('Active');
      await suite.shot(page, 'earlier-tables');

      // Once the new tables are made, the same hunt shows the block, unmarked.
      await hunting.prepared();
      await runQuery();
      await expect.poll(() => status.innerText()).toContain('Blocked');
      expect(await summary.innerText()).not.toContain('Agent tables as of');
    } finally {
      await context.close();
    }
  });
});
