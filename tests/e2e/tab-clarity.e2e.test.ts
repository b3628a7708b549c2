// What a person reads on the tab, checked as they see it, at desktop and Teams mobile width, in light, dark and high
// contrast: a risk score always shows the level its band gives, with the band explained; the incident timeline
// shows the jailbreak prompt; the entity graph shows every tool the timeline shows. Needs the built tab (`npm run build`) and Debian's Chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { JAILBREAK_PROMPTS } from '../../bot/scripts/zava-attack.js';
import { riskBandOf, riskLevelOf } from '../../bot/src/domain/risk.js';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { hiddenBy, type TabPageOptions, type TabTheme, type ViewportName } from './support/tab-page.js';
import { ADELE, MEGAN, useTabSuite } from './support/tab-suite.js';
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
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const suite = useTabSuite('clarity');
let incidentId: string | undefined;
const griffinIncident = async () => (incidentId ??= await playGriffinAttack(suite.server));

/** Scrolls `text` into view and checks a person can see it (not covered, not outside the window). */
async function expectSeen(page: Page, locator: ReturnType<Page['locator']>, what: string): Promise<void> {
  await locator.waitFor();
  await locator.scrollIntoViewIfNeeded();
  expect(await hiddenBy(locator), what).toEqual([]);
}

describe('risk score and level agree everywhere, and the level is explained (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`registry rows and the agent page show the level of the score's band (${nameOf(c)})`, async () => {
      const { context, page } = await suite.open(ADELE, '/agents', c);
      try {
        await expectSeen(page, page.getByText(/^Risk levels by score: critical 40-100, high 25-39/), 'the legend');
        const rows = page
          .getByRole('table', { name: 'Agents' })
          .getByRole('row')
          .filter({ has: page.getByLabel(/^risk score \d+$/) });
        await rows.first().waitFor();
        const n = Math.min(await rows.count(), 12);
        expect(n).toBeGreaterThan(3);
        const seen = new Map<number, string>();
        for (let i = 0; i < n; i++) {
          const row = rows.nth(i);
          const score = Number(await row.getByLabel(/^risk score \d+$/).innerText());
          const level = riskLevelOf(score);
          // The badge says the level the score's band gives; the same score never shows two levels.
          expect(await row.locator('[data-risk-band]').innerText(), `row ${i}, score ${score}`).toBe(
            capitalized(level),
          );
          expect(await row.locator('[data-risk-band]').getAttribute('data-risk-band')).toBe(riskBandOf(level));
          expect(seen.get(score) ?? level).toBe(level);
          seen.set(score, level);
        }
        await suite.shot(page, `registry-${nameOf(c)}`);

        await page.goto(`/agents/${ZAVA_AGENT_IDS.customerBillingAgent}`);
        const scoreText = page.getByText(/^Risk score \d+$/);
        await expectSeen(page, scoreText, 'the score');
        const score = Number((await scoreText.innerText()).replace(/\D/g, ''));
        const band = riskBandOf(riskLevelOf(score))!;
        await expectSeen(page, page.getByText(`(${band})`, { exact: true }), 'the band next to the score');
        // The badge is a tab stop whose tooltip spells the bands out.
        const badge = page.locator('main [data-risk-band]').first();
        await badge.focus();
        const tooltip = page.getByRole('tooltip');
        await tooltip.waitFor();
        expect(await tooltip.innerText()).toContain(`level ${band}`);
        expect(await hiddenBy(tooltip)).toEqual([]);
        await suite.shot(page, `agent-risk-${nameOf(c)}`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('the incident shows the jailbreak prompt, and the graph every tool of the timeline (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`timeline prompt and graph tools (${nameOf(c)})`, async () => {
      const id = await griffinIncident();
      const { context, page } = await suite.open(MEGAN, `/incidents/${id}`, c);
      try {
        const timeline = page.getByRole('table', { name: 'Timeline' });
        await timeline.waitFor();
        const prompt = timeline.getByLabel('Prompt the user wrote').filter({ hasText: JAILBREAK_PROMPTS[0]! });
        await expectSeen(page, prompt.first(), 'the first jailbreak prompt');
        for (const p of JAILBREAK_PROMPTS)
          expect(await timeline.getByText(p, { exact: false }).count(), p).toBeGreaterThan(0);
        await suite.shot(page, `timeline-prompt-${nameOf(c)}`);

        // Every tool a timeline row names is a node of the graph.
        const toolCells = await timeline.locator('tbody tr td:nth-child(5)').allInnerTexts();
        const tools = [...new Set(toolCells.map((t) => t.trim()).filter((t) => t && t !== '—'))];
        expect(tools.length).toBeGreaterThan(1);
        const graphTools = page.getByRole('group', { name: 'Entity graph' }).getByRole('list', { name: 'Tools' });
        const names = (
          await graphTools
            .locator('[aria-label]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
        ).filter((l) => l.startsWith('Tool '));
        for (const tool of tools)
          expect(
            names.some((l) => l.startsWith(`Tool ${tool}`)),
            tool,
          ).toBe(true);
      } finally {
        await context.close();
      }
    });
  }
});
